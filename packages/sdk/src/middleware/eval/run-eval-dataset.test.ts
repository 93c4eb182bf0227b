import { describe, expect, it } from 'vitest';
import { AgentryError, type InvokeResult } from '../../contract';
import { baselineFromReport, compareWithBaseline, parseEvalBaseline } from './eval-baseline';
import { parseEvalDataset } from './eval-dataset';
import { runEvalDataset } from './run-eval-dataset';

function resultOf(output: unknown): InvokeResult {
  return {
    id: 'inv_1',
    agent: 'echo',
    version: '1.0.0',
    output,
    usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0, latencyMs: 1, modelCalls: 0 },
    cache: { hit: false },
    evals: [],
    variant: null,
    requestId: 'req_1',
  };
}

const dataset = [
  JSON.stringify({ id: 'stable', input: { text: 'hello' }, expected: { text: 'hello' } }),
  '// comments and blank lines are skipped',
  '',
  JSON.stringify({ id: 'flaky', input: { text: 'coin' }, evaluators: [{ type: 'contains', value: 'heads' }] }),
  JSON.stringify({ id: 'broken', input: { text: 'boom' } }),
].join('\n');

/** Echoes, except `coin` alternates heads/tails and `boom` fails. */
function agent() {
  let flips = 0;
  return async (input: unknown): Promise<InvokeResult> => {
    const text = (input as { text: string }).text;
    if (text === 'boom') throw new AgentryError('AGENTRY_UPSTREAM_ERROR', 'model unavailable');
    if (text === 'coin') return resultOf({ text: flips++ % 2 === 0 ? 'heads' : 'tails' });
    return resultOf({ text });
  };
}

describe('parseEvalDataset', () => {
  it('reads cases, defaults ids to line numbers, and names the file, line and field of a bad case', () => {
    const cases = parseEvalDataset(`${JSON.stringify({ input: 1 })}\n${dataset}`, 'cases.jsonl');
    expect(cases.map((evalCase) => evalCase.id)).toEqual(['line-1', 'stable', 'flaky', 'broken']);
    expect(() => parseEvalDataset('{"input": 1, "evaluators": [{"type": "vibes"}]}', 'cases.jsonl')).toThrow(/^cases\.jsonl:1: `evaluators\.0\.type`/);
    expect(() => parseEvalDataset('{"id": "a", "input": 1}\n{"id": "a", "input": 2}', 'cases.jsonl')).toThrow('cases.jsonl:2: case id a is used twice');
    expect(() => parseEvalDataset('{"expected": 1}', 'cases.jsonl')).toThrow('cases.jsonl:1: `input` is required');
    expect(() => parseEvalDataset('\n', 'cases.jsonl')).toThrow('the dataset has no cases');
  });
});

describe('runEvalDataset', () => {
  it('reports pass rate, pass^N and pass@N over repeats; a failed call is a failed run with its code', async () => {
    const report = await runEvalDataset({ agent: 'echo', cases: parseEvalDataset(dataset), repeats: 2, concurrency: 1, invoke: agent() });
    expect(report).toMatchObject({ agent: 'echo', version: '1.0.0', repeats: 2, runs: 6, passes: 3, passRate: 0.5 });
    expect(report.passAllRate).toBeCloseTo(1 / 3);
    expect(report.passAnyRate).toBeCloseTo(2 / 3);
    const [stable, flaky, broken] = report.cases;
    expect(stable).toMatchObject({ id: 'stable', passes: 2, passAll: true, scores: { expected: 1 }, output: { text: 'hello' } });
    expect(flaky).toMatchObject({ id: 'flaky', passes: 1, passAll: false, scores: { contains: 0.5 }, failures: ['contains: missing "heads"'] });
    expect(broken).toMatchObject({ id: 'broken', passes: 0, failures: ['call failed: AGENTRY_UPSTREAM_ERROR model unavailable'] });
  });
});

describe('baselines', () => {
  it('round-trips a baseline and reports per-case regressions, improvements and output diffs', async () => {
    const cases = parseEvalDataset(dataset);
    const before = await runEvalDataset({ agent: 'echo', cases, repeats: 2, concurrency: 1, invoke: agent() });
    const baseline = parseEvalBaseline(JSON.stringify(baselineFromReport(before)), 'baseline.json');
    expect(compareWithBaseline(before, baseline)).toMatchObject({ regressed: false, regressions: 0, improvements: 0 });

    const worse = async (input: unknown) => {
      const text = (input as { text: string }).text;
      if (text === 'boom') return resultOf({ text });
      if (text === 'coin') return resultOf({ text: 'tails' });
      return resultOf({ text: `${text}!` });
    };
    const after = await runEvalDataset({ agent: 'echo', cases, repeats: 2, invoke: worse });
    const comparison = compareWithBaseline(after, baseline);
    expect(comparison).toMatchObject({ regressed: true, regressions: 2, improvements: 1 });
    const stable = comparison.cases.find((diff) => diff.id === 'stable')!;
    expect(stable).toMatchObject({
      status: 'regressed',
      before: { passes: 2, runs: 2 },
      after: { passes: 0, runs: 2 },
      scoreChanges: [{ name: 'expected', before: 1, after: 0 }],
      outputChanged: true,
      outputBefore: '{"text":"hello"}',
      outputAfter: '{"text":"hello!"}',
    });
    expect(comparison.cases.find((diff) => diff.id === 'broken')).toMatchObject({ status: 'improved' });
    // A tolerance absorbs small drops, e.g. the flaky case going from 1/2 to 0/2 under tolerance 0.5.
    expect(compareWithBaseline(after, baseline, { tolerance: 0.5 }).cases.find((diff) => diff.id === 'flaky')?.status).toBe('unchanged');
  });

  it('names the bad field of a malformed baseline', () => {
    expect(() => parseEvalBaseline('{"schemaVersion": 2}', 'baseline.json')).toThrow(/^baseline\.json: `schemaVersion`/);
    expect(() => parseEvalBaseline('nope', 'baseline.json')).toThrow(/^baseline\.json: not JSON/);
  });
});
