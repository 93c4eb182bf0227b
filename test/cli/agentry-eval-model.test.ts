import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../packages/sdk/src/cli/commands/eval';
import { startOpenAIFake, type OpenAIFake } from '../providers/fakes/openai-fake';

let directory: string;
let fake: OpenAIFake;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'agentry-eval-model-'));
  fake = await startOpenAIFake();
});
afterAll(async () => {
  await fake.close();
  await rm(directory, { recursive: true, force: true });
});

describe('agentry eval --model', () => {
  it('runs the agent on the named provider, and its cost evaluator sees the price table cost', async () => {
    const dataset = join(directory, 'cases.jsonl');
    const cases = [
      // The fake answers every completion with OpenAI's documented hello reply (19 + 10 tokens).
      { id: 'greets', input: { text: 'Say hello. Then offer help.' }, evaluators: [{ type: 'contains', value: 'assist' }, { type: 'cost-slo', maxUsd: 0.01 }] },
      { id: 'too-dear', input: { text: 'Say hello.' }, evaluators: [{ type: 'cost-slo', maxUsd: 0.000000001 }] },
    ];
    await writeFile(dataset, cases.map((item) => JSON.stringify(item)).join('\n'));
    const out = { stdout: '', stderr: '' };
    const code = await runEvalCommand([dataset, '--agent', 'summarize', '--model', 'openai:gpt-4.1', '--json'], {
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseUrl },
    });
    expect(out.stderr).toBe('');
    expect(code).toBe(0);
    expect(fake.requests.length).toBeGreaterThanOrEqual(2);
    const { report } = JSON.parse(out.stdout) as { report: { passRate: number; cases: Array<{ id: string; passes: number }> } };
    expect(report.cases.map((item) => [item.id, item.passes])).toEqual([
      ['greets', 1],
      ['too-dear', 0],
    ]);
  });

  it('refuses an unknown provider with a coded error, exit 2', async () => {
    const dataset = join(directory, 'one.jsonl');
    await writeFile(dataset, JSON.stringify({ input: { text: 'hi' } }));
    const out = { stdout: '', stderr: '' };
    const code = await runEvalCommand([dataset, '--agent', 'echo', '--model', 'nowhere:x'], {
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
      env: {},
    });
    expect(code).toBe(2);
    expect(out.stderr).toContain('AGENTRY_INVALID_OPTIONS');
  });
});
