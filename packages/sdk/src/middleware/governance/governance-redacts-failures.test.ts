import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentryError, type StreamEvent } from '../../contract';
import { defineTaskPack } from '../../core/task-pack';
import { createRuntime } from '../../runtime';
import { evalMiddleware } from '../eval/eval-middleware';
import { governanceMiddleware } from './governance-middleware';

// Data the pack found elsewhere (a CRM lookup, the model's answer), not in the redacted input.
const customer = 'ada.lovelace@example.com';
const card = '4111 1111 1111 1111';

const lookup = defineTaskPack({
  id: 'lookup',
  version: '1.0.0',
  description: 'Looks a customer up; fails quoting what it found.',
  input: z.object({ fail: z.boolean() }),
  output: z.object({ text: z.string() }),
  handler: (input) => {
    if (input.fail) throw new AgentryError('AGENTRY_UPSTREAM_ERROR', `no open order for ${customer}, card ${card}`, { details: { customer } });
    return { text: 'found it' };
  },
});

const leakyJudge = { name: 'leaky-judge', evaluate: () => ({ score: 0.2, pass: false, reason: `the answer should have named ${customer}` }) };

function governed(pii?: { output: 'redact' | 'off' }) {
  return createRuntime({
    packs: [lookup],
    middleware: [governanceMiddleware(pii === undefined ? {} : { pii }), evalMiddleware({ evaluators: [leakyJudge] })],
  });
}

async function failureOf(promise: Promise<unknown>): Promise<AgentryError> {
  try {
    await promise;
  } catch (error) {
    return error as AgentryError;
  }
  throw new Error('expected the call to fail');
}

describe('governanceMiddleware: what leaves besides the output', () => {
  it('redacts the message and details of a failure, keeping its code, status and request id', async () => {
    const error = await failureOf(governed().invoke({ agent: 'lookup', tenant: 'acme', input: { fail: true }, requestId: 'req_1' }));
    expect(error).toBeInstanceOf(AgentryError);
    expect(error.code).toBe('AGENTRY_UPSTREAM_ERROR');
    expect(error.requestId).toBe('req_1');
    expect(error.message).toBe('no open order for [REDACTED:email], card [REDACTED:card]');
    expect(error.details).toEqual({ customer: '[REDACTED:email]' });
    expect(JSON.stringify(error.cause ?? null)).not.toContain(customer);
  });

  it('redacts the error event of a stream the same way', async () => {
    const events: StreamEvent[] = [];
    const error = await failureOf(
      (async () => {
        for await (const event of governed().stream({ agent: 'lookup', tenant: 'acme', input: { fail: true } })) events.push(event);
      })(),
    );
    expect(error.message).not.toContain(customer);
    expect(JSON.stringify(events)).not.toContain(customer);
  });

  it('redacts eval reasons, in the eval events and in the result', async () => {
    const events: StreamEvent[] = [];
    for await (const event of governed().stream({ agent: 'lookup', tenant: 'acme', input: { fail: false } })) events.push(event);
    const text = JSON.stringify(events);
    expect(text).not.toContain(customer);
    expect(events.find((event) => event.type === 'eval')).toMatchObject({ eval: { reason: 'the answer should have named [REDACTED:email]' } });
    const result = events.at(-1) as Extract<StreamEvent, { type: 'result' }>;
    expect(result.result.evals[0]).toMatchObject({ name: 'leaky-judge', reason: 'the answer should have named [REDACTED:email]' });
  });

  it('redacts an evaluator\'s error, which may quote the answer it could not read', async () => {
    const unreadable = {
      name: 'judge',
      evaluate: () => {
        throw new Error(`the judge's answer holds no score: "omits ${customer}"`);
      },
    };
    const runtime = createRuntime({ packs: [lookup], middleware: [governanceMiddleware({}), evalMiddleware({ evaluators: [unreadable] })] });
    const events: StreamEvent[] = [];
    for await (const event of runtime.stream({ agent: 'lookup', tenant: 'acme', input: { fail: false } })) events.push(event);
    expect(JSON.stringify(events)).not.toContain(customer);
    expect(events.find((event) => event.type === 'eval')).toMatchObject({ eval: { error: expect.stringContaining('[REDACTED:email]') } });
  });

  it('leaves failures and reasons alone with pii.output off', async () => {
    const error = await failureOf(governed({ output: 'off' }).invoke({ agent: 'lookup', tenant: 'acme', input: { fail: true } }));
    expect(error.message).toContain(customer);
  });
});
