import { echoPack } from '@agentry/task-packs';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTaskPack } from '../core/task-pack';
import { createGate, keyA, startTestServer } from './server-test-kit';

describe('graceful close', () => {
  it('waits for an in-flight slow invocation, answers it 200, and refuses new work with 503 meanwhile', async () => {
    const gate = createGate();
    const started = createGate();
    const slowPack = defineTaskPack({
      id: 'slow',
      version: '1.0.0',
      description: 'Answers once the test lets it.',
      input: z.object({ text: z.string() }),
      output: z.object({ text: z.string() }),
      async handler(input) {
        started.open();
        await gate.promise;
        return { text: input.text };
      },
    });
    const running = await startTestServer({ packs: [slowPack, echoPack] });
    const inFlight = running.post('/v1/agents/slow/invoke', { input: { text: 'finish me' } });
    await started.promise;

    let closed = false;
    const closing = running.server.close({ timeoutMs: 5_000 }).then(() => (closed = true));

    const readyz = await running.call('GET', '/readyz');
    expect(readyz.status).toBe(503);
    expect(readyz.json.error.code).toBe('AGENTRY_SHUTTING_DOWN');
    const refused = await running.post('/v1/agents/echo/invoke', { input: { text: 'late' } });
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe('AGENTRY_SHUTTING_DOWN');
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.headers.connection).toBe('close');
    expect((await running.call('GET', '/healthz')).status).toBe(200);
    expect(closed).toBe(false);

    gate.open();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(answered.json.output).toEqual({ text: 'finish me' });
    await closing;
    await expect(request(`${running.url}/healthz`, { headers: { authorization: `Bearer ${keyA}` } })).rejects.toThrow();
  });

  it('ends a live stream with an error event when the shutdown deadline cancels its work', async () => {
    const started = createGate();
    const stuckPack = defineTaskPack({
      id: 'stuck',
      version: '1.0.0',
      description: 'Streams once, then waits until cancelled.',
      streaming: true,
      input: z.object({}),
      output: z.object({}),
      async *handler(_input, context) {
        yield { type: 'text-delta' as const, text: 'begun' };
        started.open();
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }));
        return {};
      },
    });
    const running = await startTestServer({ packs: [stuckPack] });
    const response = await request(`${running.url}/v1/agents/stuck/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json' },
      body: '{"input":{}}',
    });
    const reading = response.body.text();
    await started.promise;
    await running.server.close({ timeoutMs: 50 });
    const text = await reading;
    expect(text).toContain('event: start');
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"code":"AGENTRY_SHUTTING_DOWN"/);
  });
});
