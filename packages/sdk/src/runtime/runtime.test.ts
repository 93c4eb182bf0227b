import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTaskPack } from '../core/task-pack';
import { createRuntime, lentController, type RuntimeCallWithController } from './runtime';

const text = z.object({ text: z.string() });

function slowPack(ms: number, calls: { count: number } = { count: 0 }) {
  return defineTaskPack({
    id: 'slow',
    version: '1.0.0',
    description: 'Waits, honouring its signal.',
    input: text,
    output: text,
    handler: async (input, context) => {
      calls.count++;
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        context.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(context.signal.reason);
        });
      });
      return input;
    },
  });
}

describe('runtime invocations', () => {
  it('ends a handler that ignores its signal at the pack deadline with AGENTRY_TIMEOUT', async () => {
    const stubborn = defineTaskPack({
      id: 'stubborn',
      version: '1.0.0',
      description: 'Never looks at its signal.',
      input: text,
      output: text,
      limits: { timeoutMs: 50 },
      handler: () => new Promise<{ text: string }>(() => {}),
    });
    const runtime = createRuntime({ packs: [stubborn] });
    const started = Date.now();
    await expect(runtime.invoke({ agent: 'stubborn', input: { text: 'x' }, tenant: 't' })).rejects.toMatchObject({ code: 'AGENTRY_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(50 + 100);
  });

  it('refuses output that breaks the pack own schema with AGENTRY_INVALID_OUTPUT', async () => {
    const liar = defineTaskPack({ id: 'liar', version: '1.0.0', description: 'Lies.', input: text, output: text, handler: () => ({ text: 42 }) as never });
    const runtime = createRuntime({ packs: [liar] });
    await expect(runtime.invoke({ agent: 'liar', input: { text: 'x' }, tenant: 't' })).rejects.toMatchObject({
      code: 'AGENTRY_INVALID_OUTPUT',
      details: [{ path: 'text', message: expect.any(String) }],
    });
  });

  it('wraps a plain thrown error as AGENTRY_HANDLER_FAILED naming the agent, with the request id', async () => {
    const broken = defineTaskPack({
      id: 'broken',
      version: '2.1.0',
      description: 'Throws.',
      input: text,
      output: text,
      handler: () => {
        throw new Error('database down');
      },
    });
    const runtime = createRuntime({ packs: [broken] });
    await expect(runtime.invoke({ agent: 'broken', input: { text: 'x' }, tenant: 't', requestId: 'req_x' })).rejects.toMatchObject({
      code: 'AGENTRY_HANDLER_FAILED',
      message: 'invoke broken@2.1.0 failed: database down',
      requestId: 'req_x',
    });
  });

  it('serves the newest version unless one is pinned', async () => {
    const make = (version: string) =>
      defineTaskPack({ id: 'multi', version, description: 'v', input: text, output: text, handler: () => ({ text: version }) });
    const runtime = createRuntime({ packs: [make('1.2.0'), make('1.10.0'), make('2.0.0-beta.1')] });
    expect((await runtime.invoke({ agent: 'multi', input: { text: '' }, tenant: 't' })).output).toEqual({ text: '2.0.0-beta.1' });
    expect((await runtime.invoke({ agent: 'multi', version: '1.2.0', input: { text: '' }, tenant: 't' })).version).toBe('1.2.0');
    await expect(runtime.invoke({ agent: 'multi', version: '3.0.0', input: { text: '' }, tenant: 't' })).rejects.toThrow(/hosted versions: 2.0.0-beta.1, 1.10.0, 1.2.0/);
  });

  it('refuses the same pack id and version given twice, naming it', () => {
    const make = () => defineTaskPack({ id: 'twin', version: '1.0.0', description: 'v', input: text, output: text, handler: (input) => input });
    expect(() => createRuntime({ packs: [make(), make()] })).toThrow(expect.objectContaining({ code: 'AGENTRY_INVALID_OPTIONS', message: expect.stringContaining('twin@1.0.0 is given twice') }));
  });

  it('runs an idempotent invoke once and returns the first result to the retry', async () => {
    const calls = { count: 0 };
    const runtime = createRuntime({ packs: [slowPack(20, calls)] });
    const call = { agent: 'slow', input: { text: 'a' }, tenant: 't', idempotencyKey: 'key-1' };
    const [first, concurrent] = await Promise.all([runtime.invoke(call), runtime.invoke(call)]);
    const later = await runtime.invoke(call);
    expect(calls.count).toBe(1);
    expect(concurrent.id).toBe(first.id);
    expect(later.id).toBe(first.id);
    await expect(runtime.invoke({ ...call, input: { text: 'b' } })).rejects.toMatchObject({ code: 'AGENTRY_IDEMPOTENCY_CONFLICT' });
  });

  it('keeps idempotency keys apart per tenant', async () => {
    const calls = { count: 0 };
    const runtime = createRuntime({ packs: [slowPack(1, calls)] });
    await runtime.invoke({ agent: 'slow', input: { text: 'a' }, tenant: 'a', idempotencyKey: 'same' });
    await runtime.invoke({ agent: 'slow', input: { text: 'a' }, tenant: 'b', idempotencyKey: 'same' });
    expect(calls.count).toBe(2);
  });
});

describe('runtime jobs', () => {
  it('runs at most `concurrency` jobs at once', async () => {
    let running = 0;
    let peak = 0;
    const tracked = defineTaskPack({
      id: 'tracked',
      version: '1.0.0',
      description: 't',
      input: text,
      output: text,
      handler: async (input) => {
        peak = Math.max(peak, ++running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running--;
        return input;
      },
    });
    const runtime = createRuntime({ packs: [tracked], jobs: { concurrency: 2 } });
    const jobs = await Promise.all(Array.from({ length: 6 }, () => runtime.submit({ agent: 'tracked', input: { text: 'x' }, tenant: 't' })));
    await runtime.drain();
    expect(peak).toBe(2);
    for (const job of jobs) expect((await runtime.getJob('t', job.jobId)).status).toBe('succeeded');
  });

  it('cancels a running job, which then reads as cancelled', async () => {
    const runtime = createRuntime({ packs: [slowPack(5_000)] });
    const job = await runtime.submit({ agent: 'slow', input: { text: 'x' }, tenant: 't' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await runtime.getJob('t', job.jobId)).status).toBe('running');
    expect((await runtime.cancelJob('t', job.jobId)).status).toBe('cancelled');
    await runtime.drain({ timeoutMs: 1_000 });
    expect(await runtime.getJob('t', job.jobId)).toMatchObject({ status: 'cancelled', error: { code: 'AGENTRY_CANCELLED' } });
    await expect(runtime.cancelJob('t', job.jobId)).rejects.toMatchObject({ code: 'AGENTRY_JOB_FINISHED' });
  });

  it('hides a job from other tenants exactly as if it did not exist', async () => {
    const runtime = createRuntime({ packs: [slowPack(1)] });
    const job = await runtime.submit({ agent: 'slow', input: { text: 'x' }, tenant: 'a' });
    await expect(runtime.getJob('b', job.jobId)).rejects.toMatchObject({ code: 'AGENTRY_JOB_NOT_FOUND' });
    await expect(runtime.cancelJob('b', job.jobId)).rejects.toMatchObject({ code: 'AGENTRY_JOB_NOT_FOUND' });
  });

  it('refuses an invalid job at submit time, not later on the worker', async () => {
    const runtime = createRuntime({ packs: [slowPack(1)] });
    await expect(runtime.submit({ agent: 'slow', input: { text: 1 }, tenant: 't' })).rejects.toMatchObject({ code: 'AGENTRY_INVALID_INPUT' });
    await expect(runtime.submit({ agent: 'slow', input: { text: '1' }, tenant: 't', webhook: { url: 'http://127.0.0.1/x' } })).rejects.toMatchObject({
      code: 'AGENTRY_INVALID_REQUEST',
    });
  });

  it('drains: waits for queued jobs, then refuses new work with AGENTRY_SHUTTING_DOWN', async () => {
    const runtime = createRuntime({ packs: [slowPack(30)], jobs: { concurrency: 1 } });
    const jobs = await Promise.all([1, 2, 3].map(() => runtime.submit({ agent: 'slow', input: { text: 'x' }, tenant: 't' })));
    await runtime.drain();
    for (const job of jobs) expect((await runtime.getJob('t', job.jobId)).status).toBe('succeeded');
    await expect(runtime.invoke({ agent: 'slow', input: { text: 'x' }, tenant: 't' })).rejects.toMatchObject({ code: 'AGENTRY_SHUTTING_DOWN' });
  });

  it('records jobs cut off by a drain deadline as failed, never dropping them', async () => {
    const runtime = createRuntime({ packs: [slowPack(10_000)], jobs: { concurrency: 1 } });
    const running = await runtime.submit({ agent: 'slow', input: { text: 'x' }, tenant: 't' });
    const queued = await runtime.submit({ agent: 'slow', input: { text: 'x' }, tenant: 't' });
    await runtime.drain({ timeoutMs: 50 });
    for (const job of [running, queued]) {
      expect(await runtime.getJob('t', job.jobId)).toMatchObject({ status: 'failed', error: { code: 'AGENTRY_SHUTTING_DOWN' } });
    }
  });

  it('waits in a drain for a running invoke and answers it, and cuts it with AGENTRY_SHUTTING_DOWN past the deadline', async () => {
    const finishing = createRuntime({ packs: [slowPack(40)] });
    const answered = finishing.invoke({ agent: 'slow', input: { text: 'done' }, tenant: 't' });
    await finishing.drain({ timeoutMs: 5_000 });
    await expect(answered).resolves.toMatchObject({ output: { text: 'done' } });

    const stuck = createRuntime({ packs: [slowPack(10_000)] });
    const cut = stuck.invoke({ agent: 'slow', input: { text: 'x' }, tenant: 't' });
    cut.catch(() => {});
    await stuck.drain({ timeoutMs: 30 });
    await expect(cut).rejects.toMatchObject({ code: 'AGENTRY_SHUTTING_DOWN' });
  });

  it("cancels through the caller's signal whether or not the caller lends its controller", async () => {
    const runtime = createRuntime({ packs: [slowPack(10_000)] });
    const lending = new AbortController();
    const lent: RuntimeCallWithController = { agent: 'slow', input: { text: 'x' }, tenant: 't', signal: lending.signal, [lentController]: lending };
    const plain = new AbortController();
    // A lent controller that is not the call's signal's is ignored; the signal still counts.
    const mismatched: RuntimeCallWithController = { agent: 'slow', input: { text: 'x' }, tenant: 't', signal: plain.signal, [lentController]: new AbortController() };
    const calls = [runtime.invoke(lent), runtime.invoke(mismatched)];
    for (const call of calls) call.catch(() => {});
    lending.abort(new Error('client gone'));
    plain.abort(new Error('client gone'));
    for (const call of calls) await expect(call).rejects.toMatchObject({ code: 'AGENTRY_CANCELLED' });
  });
});
