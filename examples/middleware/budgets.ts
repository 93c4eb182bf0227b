// Budgets: a tenant's monthly cost envelope. Each call reserves its worst-case cost before it runs and
// settles to the real cost after; past the soft limit calls carry a warning, and the call that would
// overspend the hard limit is refused with AGENTRY_BUDGET_EXCEEDED before it runs.
// Run with `npx tsx examples/middleware/budgets.ts`.
import {
  budgetMiddleware,
  countTokens,
  createClient,
  createCostFunction,
  createMemoryCounterStore,
  createPriceTable,
  isAgentryError,
} from '@agentry/sdk';
import { builtinPacks } from '@agentry/task-packs';

// The local model is free; price it like gpt-4o so the envelope fills up.
const costOf = createCostFunction(createPriceTable({ providers: { local: { 'local-extractive-1': { input: 2.5, output: 10 } } } }));
const maxTokens = 60;

const report = `Quarterly revenue grew eight percent, driven by the new subscription plans. Churn fell for the
third quarter in a row. Hardware sales were flat. The support backlog shrank after two hires. Next
quarter the team will focus on onboarding and on the partner programme.`;

export async function run(log: (line: string) => void = console.log): Promise<void> {
  const budget = budgetMiddleware({
    counters: createMemoryCounterStore(),
    limits: { acme: { period: 'month', hardUsd: 0.0025, softUsd: 0.0015 } },
    // Worst case: the whole input (plus the pack's instructions) and the longest answer allowed.
    estimate: ({ input }) =>
      costOf('local', 'local-extractive-1', {
        inputTokens: countTokens(JSON.stringify(input)) + 50,
        outputTokens: maxTokens,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      }),
  });
  const client = createClient({ packs: builtinPacks, costOf, tenant: 'acme', middleware: [budget] });
  try {
    for (let call = 1; call <= 6; call++) {
      try {
        const stream = client.stream('summarize', { text: report, maxTokens });
        for await (const event of stream) if (event.type === 'warning') log(`call ${call}: warning ${event.code}: ${event.message}`);
        const { usage } = await stream.result();
        log(`call ${call}: ok, cost $${usage.costUsd.toFixed(6)}`);
      } catch (error) {
        if (!isAgentryError(error) || error.code !== 'AGENTRY_BUDGET_EXCEEDED') throw error;
        log(`call ${call}: refused ${error.code} (HTTP ${error.status}): ${error.message}`);
        break;
      }
    }
    const stats = budget.stats();
    log(`stats: allowed=${stats.allowed} refused=${stats.refused} softWarnings=${stats.softWarnings}`);
  } finally {
    await client.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
