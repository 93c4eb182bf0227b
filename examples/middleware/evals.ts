// Evaluation hooks: evaluators score every result online; the scores are attached to the result (and
// to the usage record), and the cache admits only answers whose evals all pass, so a bad answer is
// never served twice. Run with `npx tsx examples/middleware/evals.ts`.
import {
  cacheMiddleware,
  containsEvaluator,
  createClient,
  createMemoryKeyValueStore,
  defineEvaluator,
  evalMiddleware,
  latencySloEvaluator,
  piiLeakEvaluator,
  type EvalScore,
} from '@agentry/sdk';
import { builtinPacks } from '@agentry/task-packs';

const clean = `The new release adds offline mode. Drafts now sync when the connection returns. Battery use fell by a
fifth in our tests. The settings page was reorganised. Offline mode ships to everyone next Monday.`;
// The extractive summary keeps the sentence with the card number: the pii-leak evaluator catches it.
const leaky = `Refunds for order 1182 go back to the card on file, 4111 1111 1111 1111, within five working days.
The customer can call the help desk to ask about refunds. Refund status shows on the order page.`;

const show = (scores: readonly EvalScore[]): string =>
  scores.map((score) => `${score.name}=${score.pass ? 'pass' : 'FAIL'}${score.reason ? ` (${score.reason})` : ''}`).join(', ');

export async function run(log: (line: string) => void = console.log): Promise<void> {
  const evals = evalMiddleware({
    evaluators: [
      piiLeakEvaluator({ path: 'summary' }),
      latencySloEvaluator({ maxMs: 2_000 }),
      containsEvaluator(/[.!?]$/, { path: 'summary', name: 'complete-sentence' }),
      // Your own: any (sync or async) function returning { score, pass, reason? }.
      defineEvaluator('short', ({ output }) => {
        const words = (output as { summary: string }).summary.split(/\s+/).length;
        return { score: Math.min(1, 40 / words), pass: words <= 40, reason: `${words} words` };
      }),
    ],
    sampleRate: 1, // score every call; lower it for costly evaluators such as llmJudgeEvaluator
  });
  // Outside the evals, so the cache sees the scores before it admits a result.
  const cache = cacheMiddleware({ store: createMemoryKeyValueStore() });
  const client = createClient({ packs: builtinPacks, tenant: 'acme', middleware: [cache, evals] });
  try {
    for (const [name, text] of [['release notes', clean], ['refund policy', leaky]] as const) {
      const first = await client.invoke('summarize', { text });
      log(`${name}: ${show(first.evals)}`);
      const again = await client.invoke('summarize', { text });
      log(`  asked again: cache hit=${again.cache.hit}${again.cache.hit ? ', scores replayed' : ', ran and was scored again'}`);
    }
    const stats = evals.stats();
    log(`eval stats: evaluated=${stats.evaluated} passed=${stats.passed} failed=${stats.failed} errored=${stats.errored}`);
    log(`cache stats: admitted=${cache.stats().admitted} refused=${cache.stats().refused}`);
  } finally {
    await client.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
