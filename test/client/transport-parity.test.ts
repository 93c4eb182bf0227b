// One suite, two transports: the in-process runtime and the HTTP server must give the same
// results, the same event shapes and the same error codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createClient, defineTaskPack, type AgentryClient, type StreamEvent } from '@agentry/sdk';
import { createServer } from '@agentry/sdk/server';
import { echoPack, summarizePack } from '@agentry/task-packs';

const failing = defineTaskPack({
  id: 'failing',
  version: '1.0.0',
  description: 'Always throws.',
  input: z.object({}),
  output: z.object({}),
  handler: () => {
    throw new Error('disk full');
  },
});
const packs = [echoPack, summarizePack, failing];
const text = 'Agentry meters every call. Budgets cap spend per tenant. Caches keep passing results. Nothing else matters here.';

type Target = { name: string; client: AgentryClient; stop: () => Promise<void> };
const targets: Target[] = [];

beforeAll(async () => {
  const local = createClient({ packs });
  targets.push({ name: 'local', client: local, stop: () => local.close() });
  const server = createServer({ packs, apiKeys: { 'key-a': { tenant: 'a' } } });
  const { url } = await server.listen({ port: 0 });
  const remote = createClient({ baseUrl: url, apiKey: 'key-a', retry: { limit: 0 } });
  targets.push({ name: 'http', client: remote, stop: () => server.close() });
});

afterAll(async () => {
  await Promise.all(targets.map((target) => target.stop()));
});

const shape = (event: StreamEvent) => (event.type === 'text-delta' ? `text-delta:${event.text}` : event.type);

describe.each(['local', 'http'])('%s transport', (name) => {
  const client = () => targets.find((target) => target.name === name)!.client;

  it('invokes echo and returns the full result shape', async () => {
    const result = await client().invoke(echoPack, { text: 'hi' });
    expect(result).toMatchObject({ agent: 'echo', version: '1.0.0', output: { text: 'hi' }, cache: { hit: false }, evals: [], variant: null });
    expect(result.id).toMatch(/^inv_/);
    expect(result.requestId).toMatch(/^req_/);
  });

  it('streams summarize as start, text deltas, usage, result', async () => {
    const events: StreamEvent[] = [];
    for await (const event of client().stream('summarize', { text })) events.push(event);
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('start');
    expect(types.slice(-2)).toEqual(['usage', 'result']);
    const streamed = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    const result = events.at(-1) as Extract<StreamEvent, { type: 'result' }>;
    expect(result.result.output).toEqual({ summary: streamed.trim() });
    expect(result.result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('gives the same event sequence on both transports', async () => {
    const sequences = await Promise.all(
      targets.map(async (target) => {
        const events: string[] = [];
        for await (const event of target.client.stream('summarize', { text })) events.push(shape(event));
        return events;
      }),
    );
    expect(sequences[0]).toEqual(sequences[1]);
  });

  it('runs a job to its result', async () => {
    const job = await client().submit('echo', { text: 'later' });
    expect(job.id).toMatch(/^job_/);
    const result = await job.result({ pollIntervalMs: 5 });
    expect(result.output).toEqual({ text: 'later' });
    expect((await job.status()).status).toBe('succeeded');
  });

  it('refuses invalid input with AGENTRY_INVALID_INPUT and the failing paths', async () => {
    await expect(client().invoke('echo', { text: 42 })).rejects.toMatchObject({
      code: 'AGENTRY_INVALID_INPUT',
      status: 400,
      details: [{ path: 'text', message: expect.stringContaining('string') }],
    });
  });

  it('answers an unknown agent with AGENTRY_AGENT_NOT_FOUND', async () => {
    await expect(client().invoke('nope', {})).rejects.toMatchObject({ code: 'AGENTRY_AGENT_NOT_FOUND', status: 404 });
  });

  it('reports a throwing handler as AGENTRY_HANDLER_FAILED with the request id', async () => {
    await expect(client().invoke('failing', {}, { requestId: 'req_parity' })).rejects.toMatchObject({
      code: 'AGENTRY_HANDLER_FAILED',
      requestId: 'req_parity',
      message: expect.stringContaining('disk full'),
    });
  });

  it('lists the agents with their JSON Schemas', async () => {
    const agents = await client().agents();
    expect(agents.map((agent) => agent.id).sort()).toEqual(['echo', 'failing', 'summarize']);
    expect(agents.find((agent) => agent.id === 'summarize')).toMatchObject({ streaming: true, inputSchema: { type: 'object' } });
  });
});
