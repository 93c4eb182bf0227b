import { AgentryError, defineTaskPack, type TaskPack, type TaskPackContext } from '@agentry/sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { echoPack } from '../packs/echo';
import { summarizePack } from '../packs/summarize';
import { checkTaskPackContract } from './check-task-pack-contract';
import type { ContractCheckId, ContractReport, TaskPackFixture } from './contract-types';

const fixtures: TaskPackFixture[] = [{ name: 'hello', input: { text: 'hello' } }];

/** A small pack; `change` breaks one promise of its contract. */
function pack(change: Record<string, unknown> = {}): TaskPack {
  return defineTaskPack({
    id: 'broken',
    version: '0.1.0',
    description: 'A pack that breaks one promise.',
    input: z.object({ text: z.string() }),
    output: z.object({ text: z.string() }),
    capabilities: {},
    telemetry: { metrics: { broken_calls_total: { kind: 'counter' } } },
    handler: (input: { text: string }, context: TaskPackContext) => {
      context.telemetry.metric('broken_calls_total', 1);
      return { text: input.text };
    },
    ...change,
  } as never) as TaskPack;
}

function failuresOf(report: ContractReport, check: ContractCheckId): string[] {
  return report.checks.find((result) => result.id === check)!.failures.map((failure) => failure.message);
}

function failedChecks(report: ContractReport): ContractCheckId[] {
  return report.checks.filter((result) => result.status === 'failed').map((result) => result.id);
}

describe('checkTaskPackContract on the built-in packs', () => {
  it('passes echo and summarize with every check run', async () => {
    for (const [subject, input] of [
      [echoPack, { text: 'hi' }],
      [summarizePack, { text: 'One. Two. Three.' }],
    ] as const) {
      const report = await checkTaskPackContract(subject as TaskPack, { fixtures: [{ name: 'works', input }] });
      expect(report.failures).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.checks.map((check) => check.status)).toEqual(Array(8).fill('passed'));
    }
  });
});

describe('checkTaskPackContract on broken packs: each failure names the pack, the check and the fix', () => {
  it('catches an undeclared metric by name', async () => {
    const report = await checkTaskPackContract(
      pack({
        handler: (input: { text: string }, context: TaskPackContext) => {
          context.telemetry.metric('broken_calls_total', 1);
          context.telemetry.metric('surprise_total', 1);
          return { text: input.text };
        },
      }),
      { fixtures },
    );
    expect(report.ok).toBe(false);
    expect(failuresOf(report, 'telemetry')).toEqual([
      'task pack broken@0.1.0 failed contract check "telemetry": the handler recorded metric "surprise_total", which telemetry.metrics does not declare. Fix: declare "surprise_total" under telemetry.metrics, or stop recording it.',
    ]);
  });

  it('catches the undeclared metric even when the handler swallows the refusal', async () => {
    const report = await checkTaskPackContract(
      pack({
        handler: (input: { text: string }, context: TaskPackContext) => {
          context.telemetry.metric('broken_calls_total', 1);
          try {
            context.telemetry.metric('hidden_total', 1);
          } catch {
            // Hiding the refusal does not hide it from the contract.
          }
          return { text: input.text };
        },
      }),
      { fixtures },
    );
    expect(failedChecks(report)).toEqual(['telemetry']);
    expect(failuresOf(report, 'telemetry')[0]).toMatch(/metric "hidden_total"/);
  });

  it('catches a declared metric that no fixture records', async () => {
    const report = await checkTaskPackContract(pack({ handler: (input: { text: string }) => ({ text: input.text }) }), { fixtures });
    expect(failuresOf(report, 'telemetry')).toEqual([
      'task pack broken@0.1.0 failed contract check "telemetry": metric "broken_calls_total" is declared but no fixture recorded it. Fix: record it with ctx.telemetry.metric("broken_calls_total", value), add a fixture that does, or remove it from telemetry.metrics.',
    ]);
  });

  it('catches an undeclared tool and an undeclared host', async () => {
    const report = await checkTaskPackContract(
      pack({
        handler: async (input: { text: string }, context: TaskPackContext) => {
          context.telemetry.metric('broken_calls_total', 1);
          await context.tools.call('search', { q: input.text }).catch(() => undefined);
          await context.fetch('https://api.example.com/').catch(() => undefined);
          return { text: input.text };
        },
      }),
      { fixtures },
    );
    expect(failedChecks(report)).toEqual(['capabilities']);
    const [tool, host] = failuresOf(report, 'capabilities');
    expect(tool).toMatch(/^task pack broken@0\.1\.0 failed contract check "capabilities": fixture "hello" used an undeclared capability: .*tool "search".*Fix: declare \{ name: "search" \} under capabilities.tools, or stop calling it\.$/);
    expect(host).toMatch(/host "api\.example\.com".*Fix: add "api\.example\.com" to capabilities\.network\.hosts/);
  });

  it('catches a plain Error without a catalogue code', async () => {
    const report = await checkTaskPackContract(
      pack({
        handler: () => {
          throw new Error('boom');
        },
      }),
      { fixtures: [{ name: 'explodes', input: { text: 'x' }, error: 'AGENTRY_HANDLER_FAILED' }, ...fixtures] },
    );
    expect(failuresOf(report, 'errors')).toContain(
      'task pack broken@0.1.0 failed contract check "errors": fixture "explodes" threw a plain error without a catalogue code (Error: boom). Fix: throw new AgentryError(\'AGENTRY_…\', message) from @agentry/sdk, choosing the code from docs/errors.md.',
    );
  });

  it('accepts a coded error that a fixture expects', async () => {
    const report = await checkTaskPackContract(
      pack({
        handler: (input: { text: string }, context: TaskPackContext) => {
          context.telemetry.metric('broken_calls_total', 1);
          if (input.text === '') throw new AgentryError('AGENTRY_INVALID_INPUT', 'text is empty');
          return { text: input.text };
        },
      }),
      { fixtures: [...fixtures, { name: 'empty', input: { text: '' }, error: 'AGENTRY_INVALID_INPUT' }] },
    );
    expect(report.failures).toEqual([]);
    expect(report.warnings).toEqual([expect.stringMatching(/no `sdk` range declared/)]);
  });

  it('catches a handler that ignores its AbortSignal', async () => {
    const report = await checkTaskPackContract(
      pack({
        capabilities: { model: true },
        handler: async (input: { text: string }, context: TaskPackContext) => {
          context.telemetry.metric('broken_calls_total', 1);
          // Passes a signal of its own, so cancelling the call does not reach the model.
          await context.model.generate({ messages: [{ role: 'user', content: input.text }], signal: new AbortController().signal });
          return { text: input.text };
        },
      }),
      { fixtures, cancellationBudgetMs: 50 },
    );
    expect(failuresOf(report, 'cancellation')).toEqual([
      'task pack broken@0.1.0 failed contract check "cancellation": the handler kept running more than 50 ms (its latency budget) after its signal aborted. Fix: pass ctx.signal to every awaited call (model, fetch, tools) and check ctx.signal.aborted in loops.',
    ]);
  });

  it('catches output that changes between runs, unless the pack declares deterministic: false', async () => {
    let calls = 0;
    const handler = (input: { text: string }, context: TaskPackContext) => {
      context.telemetry.metric('broken_calls_total', 1);
      return { text: `${input.text} #${++calls}` };
    };
    const report = await checkTaskPackContract(pack({ handler }), { fixtures });
    expect(failuresOf(report, 'determinism')).toEqual([
      'task pack broken@0.1.0 failed contract check "determinism": fixture "hello" returned {"text":"hello #1"}, then {"text":"hello #3"}. Fix: derive the output only from the input and the model (no clock, randomness or shared state), or declare deterministic: false.',
    ]);
    const declared = await checkTaskPackContract(pack({ handler, deterministic: false }), { fixtures });
    expect(declared.checks.find((check) => check.id === 'determinism')).toMatchObject({ status: 'skipped', reason: 'the pack declares deterministic: false' });
    expect(declared.ok).toBe(true);
  });

  it('catches an output that differs from the fixture and an input the fixture gets wrong', async () => {
    const report = await checkTaskPackContract(pack(), {
      fixtures: [
        { name: 'wrong expectation', input: { text: 'a' }, output: { text: 'b' } },
        { name: 'wrong input', input: { txt: 'a' } },
      ],
    });
    expect(failuresOf(report, 'fixtures')).toEqual([
      'task pack broken@0.1.0 failed contract check "fixtures": fixture "wrong expectation" returned {"text":"a"} but expected {"text":"b"}. Fix: fix the handler, or update the fixture\'s expected output.',
      expect.stringMatching(/fixture "wrong input" failed with AGENTRY_INVALID_INPUT: .*Fix: make the fixture input match the input schema, or widen the schema\.$/),
    ]);
  });

  it('catches a zod schema whose JSON Schema says something else', async () => {
    const report = await checkTaskPackContract(
      pack({ input: z.object({ text: z.string().refine((text) => text !== 'forbidden', 'forbidden word') }) }),
      { fixtures: [...fixtures, { name: 'refined away', input: { text: 'forbidden' }, error: 'AGENTRY_INVALID_INPUT' }] },
    );
    expect(failedChecks(report)).toEqual(['schemas']);
    expect(failuresOf(report, 'schemas')[0]).toMatch(
      /^task pack broken@0\.1\.0 failed contract check "schemas": fixture "refined away": the zod input schema rejects its input but the published JSON Schema accepts it .*Fix: replace refinements/,
    );
  });

  it('catches a value that is not a task pack, without running the other checks', async () => {
    const report = await checkTaskPackContract({ id: 'fake', version: '1.0.0' } as unknown as TaskPack, { fixtures });
    expect(failuresOf(report, 'manifest')).toEqual([
      'task pack fake@1.0.0 failed contract check "manifest": the value is not a task pack. Fix: export the value returned by defineTaskPack({...}).',
    ]);
    expect(report.checks.filter((check) => check.status === 'skipped')).toHaveLength(7);
  });

  it('asks for fixtures when none are given', async () => {
    const report = await checkTaskPackContract(pack(), { fixtures: [] });
    expect(failuresOf(report, 'fixtures')).toEqual([
      'task pack broken@0.1.0 failed contract check "fixtures": no fixtures were given. Fix: pass at least one { name, input, output? } fixture to describeTaskPackContract.',
    ]);
  });
});
