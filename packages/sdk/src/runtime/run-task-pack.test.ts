import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ModelProvider } from '../contract';
import { defineTaskPack, type TaskPackContext } from '../core/task-pack';
import { taskPackHost, toolProviderFromFunctions } from '../core/task-pack-host';
import type { TaskPackTelemetryRecord } from '../core/task-pack-telemetry';
import { createLocalModel } from '../providers/local-model';
import { createRuntime } from './runtime';

const io = { input: z.object({ text: z.string() }), output: z.object({ text: z.string() }) };

/** A pack whose handler runs `body` with the context; everything else declared by `extra`. */
function probePack(body: (context: TaskPackContext) => unknown, extra: Record<string, unknown> = {}) {
  return defineTaskPack({
    id: 'probe',
    version: '1.0.0',
    description: 'Probes its context.',
    ...io,
    ...extra,
    handler: async (input: { text: string }, context: TaskPackContext) => {
      const value = await body(context);
      return { text: typeof value === 'string' ? value : input.text };
    },
  } as never);
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a failure');
}

const call = { agent: 'probe', input: { text: 'hi' }, tenant: 'acme' };

describe('runTaskPack: the handler context exposes only what the manifest declares', () => {
  it.each([
    ['an undeclared tool', (context: TaskPackContext) => context.tools.call('delete-everything', {}), /may not call tool "delete-everything".*Fix: add \{ name: "delete-everything" \} to capabilities.tools/],
    ['an undeclared host', (context: TaskPackContext) => context.fetch('https://evil.example/x'), /may not reach host "evil.example".*Fix: add "evil.example" to capabilities.network.hosts/],
    ['an undeclared metric', (context: TaskPackContext) => context.telemetry.metric('surprise_total', 1), /may not record metric "surprise_total".*telemetry.metrics/],
    ['an undeclared event', (context: TaskPackContext) => context.telemetry.emit('surprise', {}), /may not emit event "surprise".*telemetry.events/],
    ['the model, when model use is not declared', (context: TaskPackContext) => context.model.modelId, /may not use the model.*Fix: set capabilities.model to true/],
  ])('refuses %s with AGENTRY_CAPABILITY_DENIED naming pack, capability and fix', async (_case, body, message) => {
    const runtime = createRuntime({ packs: [probePack(body, { capabilities: {} })] });
    const error = await failure(runtime.invoke(call));
    expect(error.code).toBe('AGENTRY_CAPABILITY_DENIED');
    expect(error.message).toMatch(/task pack probe@1\.0\.0/);
    expect(error.message).toMatch(message);
  });

  it('reports a refusal to the host even when the handler swallows the error', async () => {
    const records: TaskPackTelemetryRecord[] = [];
    const pack = probePack((context) => {
      try {
        context.telemetry.metric('surprise_total', 1);
      } catch {
        // A careless pack hides the refusal; the host still sees it.
      }
    }, { capabilities: {} });
    const runtime = createRuntime({ packs: [pack], middleware: [taskPackHost({ telemetry: (record) => records.push(record) })] });
    await runtime.invoke(call);
    expect(records).toMatchObject([{ type: 'capability-denied', capability: 'metric', name: 'surprise_total', pack: 'probe@1.0.0', tenant: 'acme' }]);
  });

  it('records declared telemetry with the shape of its schema, and refuses data that breaks it', async () => {
    const records: TaskPackTelemetryRecord[] = [];
    const telemetry = { events: { done: z.object({ hits: z.number() }) }, metrics: { hits_total: { kind: 'counter' } } };
    const good = probePack((context) => {
      context.telemetry.emit('done', { hits: 2 });
      context.telemetry.metric('hits_total', 2, { source: 'test' });
    }, { telemetry });
    const runtime = createRuntime({ packs: [good], middleware: [taskPackHost({ telemetry: (record) => records.push(record) })] });
    await runtime.invoke(call);
    expect(records).toMatchObject([
      { type: 'event', name: 'done', data: { hits: 2 } },
      { type: 'metric', name: 'hits_total', kind: 'counter', value: 2, labels: { source: 'test' } },
    ]);
    const bad = probePack((context) => context.telemetry.emit('done', { hits: 'many' }), { telemetry });
    expect(await failure(createRuntime({ packs: [bad] }).invoke(call))).toMatchObject({ code: 'AGENTRY_INVALID_OUTPUT' });
    const negative = probePack((context) => context.telemetry.metric('hits_total', -1), { telemetry });
    expect(await failure(createRuntime({ packs: [negative] }).invoke(call))).toMatchObject({ code: 'AGENTRY_INVALID_OUTPUT' });
  });

  it('lets a handler spread its context when the model is not declared (the refusing getter is not enumerable)', async () => {
    const pack = probePack((context) => Object.keys({ ...context }).includes('model') ? 'has model' : 'no model', { capabilities: {} });
    expect((await createRuntime({ packs: [pack] }).invoke(call)).output).toEqual({ text: 'no model' });
  });

  it('gives the model to packs that declare it and to packs written before capabilities existed', async () => {
    const declared = probePack((context) => context.model.modelId, { capabilities: { model: true } });
    expect((await createRuntime({ packs: [declared] }).invoke(call)).output).toEqual({ text: 'local-extractive-1' });
    const legacy = probePack((context) => context.model.modelId);
    expect((await createRuntime({ packs: [legacy] }).invoke(call)).output).toEqual({ text: 'local-extractive-1' });
  });
});

describe('runTaskPack: tools', () => {
  const capabilities = {
    tools: [
      { name: 'upper', input: z.object({ text: z.string() }), execute: (args: { text: string }) => args.text.toUpperCase() },
      { name: 'remote', input: z.object({ text: z.string() }) },
    ],
  };

  it("runs a declared tool with the pack's own implementation, checking its arguments", async () => {
    const pack = probePack((context) => context.tools.call('upper', { text: 'hi' }), { capabilities });
    expect((await createRuntime({ packs: [pack] }).invoke(call)).output).toEqual({ text: 'HI' });
    const wrong = probePack((context) => context.tools.call('upper', { text: 1 }), { capabilities });
    expect(await failure(createRuntime({ packs: [wrong] }).invoke(call))).toMatchObject({ code: 'AGENTRY_INVALID_OUTPUT' });
  });

  it("prefers the host's implementation and records every tool call", async () => {
    const records: TaskPackTelemetryRecord[] = [];
    const pack = probePack(async (context) => `${await context.tools.call('upper', { text: 'a' })}-${await context.tools.call('remote', { text: 'b' })}`, {
      capabilities,
    });
    const host = taskPackHost({
      tools: toolProviderFromFunctions({ remote: (args) => `host:${(args as { text: string }).text}`, upper: () => 'host-upper' }),
      telemetry: (record) => records.push(record),
    });
    const runtime = createRuntime({ packs: [pack], middleware: [host] });
    expect((await runtime.invoke(call)).output).toEqual({ text: 'host-upper-host:b' });
    expect(records.map((record) => [record.type, 'name' in record ? record.name : '', 'ok' in record ? record.ok : ''])).toEqual([
      ['tool-call', 'upper', true],
      ['tool-call', 'remote', true],
    ]);
  });

  it('refuses a declared tool no one implements, saying how to provide it', async () => {
    const pack = probePack((context) => context.tools.call('remote', { text: 'b' }), { capabilities });
    const error = await failure(createRuntime({ packs: [pack] }).invoke(call));
    expect(error).toMatchObject({ code: 'AGENTRY_CAPABILITY_DENIED' });
    expect(error.message).toMatch(/no implementation is available on this host.*execute function/);
  });
});

describe('runTaskPack: network', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/redirect-away') {
        response.writeHead(302, { location: `http://localhost:${port}/secret` }).end();
      } else if (request.url === '/redirect-home') {
        response.writeHead(302, { location: '/hello' }).end();
      } else {
        response.end(`hello from ${request.url}`);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const networked = (path: string) =>
    probePack(async (context) => (await context.fetch(`http://127.0.0.1:${port}${path}`)).text(), { capabilities: { network: { hosts: ['127.0.0.1'] } } });

  it('reaches a declared host with undici, following redirects that stay on declared hosts', async () => {
    expect((await createRuntime({ packs: [networked('/redirect-home')] }).invoke(call)).output).toEqual({ text: 'hello from /hello' });
  });

  it('refuses a redirect to an undeclared host before requesting it', async () => {
    const error = await failure(createRuntime({ packs: [networked('/redirect-away')] }).invoke(call));
    expect(error).toMatchObject({ code: 'AGENTRY_CAPABILITY_DENIED' });
    expect(error.message).toMatch(/may not reach host "localhost:\d+"/);
  });

  it('refuses a declared host on another port when the declaration names a port', async () => {
    const pack = probePack((context) => context.fetch(`http://127.0.0.1:${port}/`), { capabilities: { network: { hosts: ['127.0.0.1:1'] } } });
    expect(await failure(createRuntime({ packs: [pack] }).invoke(call))).toMatchObject({ code: 'AGENTRY_CAPABILITY_DENIED' });
  });
});

describe('runTaskPack: limits', () => {
  it('refuses the invocation past limits.maxConcurrency with AGENTRY_RATE_LIMITED, and admits again once one finishes', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const pack = probePack(() => gate, { limits: { maxConcurrency: 2 } });
    const runtime = createRuntime({ packs: [pack] });
    const first = runtime.invoke(call);
    const second = runtime.invoke(call);
    const third = await failure(runtime.invoke(call));
    expect(third).toMatchObject({ code: 'AGENTRY_RATE_LIMITED', retryable: true });
    expect(third.message).toMatch(/probe@1\.0\.0 refused: 2 invocations already running \(limits.maxConcurrency is 2\)/);
    open();
    await Promise.all([first, second]);
    await expect(runtime.invoke(call)).resolves.toMatchObject({ output: { text: 'hi' } });
  });

  it('keeps the concurrency count per runtime', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const pack = probePack(() => gate, { limits: { maxConcurrency: 1 } });
    const one = createRuntime({ packs: [pack] }).invoke(call);
    const other = createRuntime({ packs: [pack] }).invoke(call);
    open();
    await expect(Promise.all([one, other])).resolves.toHaveLength(2);
  });

  it('lowers each model request to the tokens left under limits.maxTokens and refuses calls once they are spent', async () => {
    const seen: (number | undefined)[] = [];
    const local = createLocalModel();
    const model: ModelProvider = { ...local, generate: (request) => (seen.push(request.maxTokens), local.generate(request)) };
    const text = 'Alpha beta gamma delta. Epsilon zeta eta theta. Iota kappa lambda mu.';
    const pack = probePack(
      async (context) => {
        for (;;) await context.model.generate({ messages: [{ role: 'user', content: text }] });
      },
      { capabilities: { model: true }, limits: { maxTokens: 60 } },
    );
    const error = await failure(createRuntime({ packs: [pack], model }).invoke(call));
    expect(error).toMatchObject({ code: 'AGENTRY_BUDGET_EXCEEDED' });
    expect(error.message).toMatch(/token limit of 60 \(limits.maxTokens\) is spent/);
    expect(seen[0]).toBe(60);
    expect(seen.every((value, index) => index === 0 || (value ?? Infinity) < seen[index - 1]!)).toBe(true);
  });
});
