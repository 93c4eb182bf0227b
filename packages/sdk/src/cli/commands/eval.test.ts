import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvalCommand } from './eval';

let directory: string;

async function run(argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const code = await runEvalCommand(argv, { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } });
  return { code, ...out };
}

async function dataset(name: string, cases: unknown[]): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, cases.map((evalCase) => JSON.stringify(evalCase)).join('\n'));
  return path;
}

const passing = [
  { id: 'hello', input: { text: 'hello' }, expected: { text: 'hello' } },
  { id: 'refund', input: { text: 'your refund is on its way' }, evaluators: [{ type: 'contains', value: 'refund' }, { type: 'pii-leak' }] },
];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'agentry-eval-cli-'));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('agentry eval', () => {
  it('runs a dataset N times against the built-in packs and reports pass rate and pass^N', async () => {
    const file = await dataset('cases.jsonl', passing);
    const { code, stdout, stderr } = await run([file, '--agent', 'echo', '--repeats', '3', '--packs', '@agentry/task-packs']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('agentry eval: echo@1.0.0 on');
    expect(stdout).toMatch(/hello\s+3\/3\s+expected 1\.00/);
    expect(stdout).toMatch(/refund\s+3\/3\s+contains 1\.00, pii-leak 1\.00/);
    expect(stdout).toContain('pass rate 100.0% (6/6)   pass^3 100.0% (2/2)   pass@3 100.0% (2/2)');
  });

  it('writes a baseline, then exits 1 with per-case diffs when a case regresses against it', async () => {
    const baseline = join(directory, 'baseline.json');
    const first = await run([await dataset('v1.jsonl', passing), '--agent', 'echo', '--baseline', baseline, '--write-baseline', '--packs', '@agentry/task-packs']);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`wrote baseline ${baseline}`);
    expect(JSON.parse(await readFile(baseline, 'utf8'))).toMatchObject({ schemaVersion: 1, agent: 'echo', passRate: 1, cases: { hello: { passes: 1 } } });

    const regressed = [{ ...passing[0], expected: { text: 'goodbye' } }, passing[1]];
    const second = await run([await dataset('v2.jsonl', regressed), '--agent', 'echo', '--baseline', baseline, '--packs', '@agentry/task-packs']);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain('(pass rate 100.0% -> 50.0%, pass^N 100.0% -> 50.0%): 1 regression, 0 improvements');
    expect(second.stdout).toMatch(/hello\s+regressed\s+1\/1 -> 0\/1\s+expected 1\.00 -> 0\.00/);
    expect(second.stdout).toContain('REGRESSION');

    const json = await run([await dataset('v2.jsonl', regressed), '--agent', 'echo', '--baseline', baseline, '--json', '--packs', '@agentry/task-packs']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ report: { passRate: 0.5 }, comparison: { regressed: true, regressions: 1 } });
  });

  it('exits 1 below --min-pass-rate and 2 on bad input, naming the problem', async () => {
    const failing = await dataset('failing.jsonl', [{ input: { text: 'a' }, expected: { text: 'b' } }]);
    const low = await run([failing, '--agent', 'echo', '--min-pass-rate', '0.9', '--packs', '@agentry/task-packs']);
    expect(low.code).toBe(1);
    expect(low.stderr).toContain('pass rate 0.0% is below --min-pass-rate 90.0%');

    const bad = await dataset('bad.jsonl', [{ input: {}, evaluators: [{ type: 'vibes' }] }]);
    const invalid = await run([bad, '--agent', 'echo', '--packs', '@agentry/task-packs']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/bad\.jsonl:1: `evaluators\.0\.type`.*\(AGENTRY_INVALID_REQUEST\)/);

    expect((await run([failing])).stderr).toContain('--agent is required');
    const unknown = await run([failing, '--agent', 'nope', '--packs', '@agentry/task-packs']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('agent nope is not in the loaded packs (echo@1.0.0, summarize@1.0.0');
    const echoBaseline = join(directory, 'echo-baseline.json');
    expect((await run([failing, '--agent', 'echo', '--baseline', echoBaseline, '--write-baseline', '--repeats', '2', '--packs', '@agentry/task-packs'])).code).toBe(0);
    const otherAgent = await run([failing, '--agent', 'summarize', '--baseline', echoBaseline, '--repeats', '2', '--packs', '@agentry/task-packs']);
    expect(otherAgent.code).toBe(2);
    expect(otherAgent.stderr).toContain(`baseline ${echoBaseline} is for agent echo, not summarize`);
    const otherRepeats = await run([failing, '--agent', 'echo', '--baseline', echoBaseline, '--repeats', '3', '--packs', '@agentry/task-packs']);
    expect(otherRepeats.code).toBe(2);
    expect(otherRepeats.stderr).toContain('was run with --repeats 2, this run with 3');
    const missingBaseline = await run([failing, '--agent', 'echo', '--baseline', join(directory, 'none.json'), '--packs', '@agentry/task-packs']);
    expect(missingBaseline.code).toBe(2);
    expect(missingBaseline.stderr).toContain('create it with --write-baseline');
  });
});
