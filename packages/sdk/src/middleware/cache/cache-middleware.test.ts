import { describe, expect, it } from 'vitest';
import { AgentryError, type InvokeResult } from '../../contract';
import type { Middleware } from '../../core/middleware';
import type { KeyValueStore } from '../../stores/key-value-store';
import { createMemoryKeyValueStore } from '../../stores/memory-key-value-store';
import { cacheMiddleware } from './cache-middleware';
import { createPacks, runtimeWith, scoring, shapes, streamEvents } from './cache-test-kit';

const pass = { name: 'non-empty', score: 1, pass: true };
const fail = { name: 'non-empty', score: 0, pass: false, reason: 'empty' };

function setup(options: Partial<Parameters<typeof cacheMiddleware>[0]> = {}, scores = scoring()) {
  const kit = createPacks();
  const cache = cacheMiddleware({ store: createMemoryKeyValueStore(), ttlMs: 60_000, maxTtlMs: 600_000, ...options });
  const runtime = runtimeWith(kit.packs, [cache, scores]);
  const echo = (text: string, extra: Partial<Parameters<typeof runtime.invoke>[0]> = {}) =>
    runtime.invoke({ agent: 'echo', input: { text }, tenant: 'acme', ...extra }) as Promise<InvokeResult<{ text: string; run: number; version: string }>>;
  return { ...kit, cache, runtime, echo };
}

describe('cacheMiddleware: hits and misses', () => {
  it('runs the agent once and answers the repeat from the cache at zero cost, reporting the cost it saved', async () => {
    const { runs, cache, echo } = setup();
    const first = await echo('hello');
    const second = await echo('hello');
    expect(runs.echo).toBe(1);
    expect(first.cache).toEqual({ hit: false });
    expect(first.usage.costUsd).toBe(0.02);
    expect(second.cache).toEqual({ hit: true, savedCostUsd: 0.02 });
    expect(second.output).toEqual(first.output);
    expect(second.id).not.toBe(first.id);
    expect(second.requestId).not.toBe(first.requestId);
    expect(second.usage).toMatchObject({ inputTokens: 0, outputTokens: 0, costUsd: 0, modelCalls: 0 });
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, admitted: 1 });
  });

  it('shares one entry between equal inputs whose object keys come in a different order', async () => {
    const { runs, echo } = setup();
    await echo('hi', { input: { text: 'hi', extra: { a: 1, b: { c: 2, d: 3 } } } });
    const again = await echo('hi', { input: { extra: { b: { d: 3, c: 2 }, a: 1 }, text: 'hi' } });
    expect(runs.echo).toBe(1);
    expect(again.cache.hit).toBe(true);
  });

  it('never answers one tenant from another tenant’s entry', async () => {
    const { runs, echo } = setup();
    await echo('secret', { tenant: 'acme' });
    const other = await echo('secret', { tenant: 'globex' });
    expect(runs.echo).toBe(2);
    expect(other.cache.hit).toBe(false);
    expect((await echo('secret', { tenant: 'globex' })).cache.hit).toBe(true);
  });

  it('keeps entries per end user too when varyBy names the subject', async () => {
    const { runs, echo } = setup({ varyBy: (target) => target.subject });
    await echo('hi', { subject: 'ann' });
    await echo('hi', { subject: 'bob' });
    await echo('hi', { subject: 'ann' });
    expect(runs.echo).toBe(2);
  });

  it('hands each caller its own copy: mutating a result never changes what the next caller gets', async () => {
    const { echo } = setup();
    const first = await echo('original');
    first.output.text = 'mutated by caller one';
    const second = await echo('original');
    second.output.text = 'mutated by caller two';
    expect((await echo('original')).output.text).toBe('original');
  });
});

describe('cacheMiddleware: admission', () => {
  it('caches a result whose evals all pass', async () => {
    const { runs, echo } = setup({}, scoring(() => [pass]));
    await echo('good');
    const hit = await echo('good');
    expect(runs.echo).toBe(1);
    expect(hit.evals).toEqual([pass]);
  });

  it('does not cache a result with a failing eval, nor one whose evaluator errored', async () => {
    const failing = setup({}, scoring(() => [pass, fail]));
    await failing.echo('bad');
    await failing.echo('bad');
    expect(failing.runs.echo).toBe(2);
    expect(failing.cache.stats()).toMatchObject({ admitted: 0, refused: 2 });

    const errored = setup({}, scoring(() => [{ name: 'judge', score: 1, pass: true, error: 'judge timed out' }]));
    await errored.echo('unsure');
    await errored.echo('unsure');
    expect(errored.runs.echo).toBe(2);
  });

  it('refuses results without evals when requireEvals is set, and asks admit last', async () => {
    const required = setup({ requireEvals: true });
    await required.echo('unchecked');
    await required.echo('unchecked');
    expect(required.runs.echo).toBe(2);

    const admitted: unknown[] = [];
    const picky = setup({ admit: (result) => (admitted.push(result.output), false) }, scoring(() => [pass]));
    await picky.echo('no thanks');
    await picky.echo('no thanks');
    expect(picky.runs.echo).toBe(2);
    expect(admitted).toHaveLength(2);
  });

  it('never caches an error: a failed first run is run again, not replayed (no cached 429)', async () => {
    const { runs, runtime } = setup();
    const call = { agent: 'flaky', input: { text: 'x' }, tenant: 'acme' };
    await expect(runtime.invoke(call)).rejects.toMatchObject({ code: 'AGENTRY_RATE_LIMITED' });
    const second = await runtime.invoke(call);
    expect(second.cache.hit).toBe(false);
    expect(runs.flaky).toBe(2);
  });

  it('never caches a refusal from inside the cache', async () => {
    let refusals = 1;
    const refuseOnce: Middleware = {
      name: 'refuse-once',
      async *handle(invocation, next) {
        if (refusals-- > 0) throw new AgentryError('AGENTRY_FORBIDDEN_TOOL', 'tier does not allow this agent');
        yield* next(invocation);
      },
    };
    const kit = createPacks();
    const runtime = runtimeWith(kit.packs, [cacheMiddleware({ store: createMemoryKeyValueStore() }), refuseOnce]);
    const call = { agent: 'echo', input: { text: 'x' }, tenant: 'acme' };
    await expect(runtime.invoke(call)).rejects.toMatchObject({ code: 'AGENTRY_FORBIDDEN_TOOL' });
    expect((await runtime.invoke(call)).cache.hit).toBe(false);
    expect((await runtime.invoke(call)).cache.hit).toBe(true);
  });

  it('never caches a stream that failed after sending deltas', async () => {
    const { runs, runtime } = setup();
    const call = { agent: 'writer', input: { text: 'a b', failAfterDeltas: true }, tenant: 'acme' };
    await expect(streamEvents(runtime, call)).rejects.toMatchObject({ code: 'AGENTRY_UPSTREAM_ERROR' });
    await expect(streamEvents(runtime, call)).rejects.toMatchObject({ code: 'AGENTRY_UPSTREAM_ERROR' });
    expect(runs.writer).toBe(2);
  });
});

describe('cacheMiddleware: single-flight', () => {
  it('runs 20 concurrent identical calls once; the others get the same answer as zero-cost hits', async () => {
    const { runs, cache, echo, hold } = setup();
    const release = hold();
    const calls = Array.from({ length: 20 }, () => echo('together'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const results = await Promise.all(calls);
    expect(runs.echo).toBe(1);
    expect(new Set(results.map((result) => result.id)).size).toBe(20);
    expect(results.every((result) => result.output.run === 1)).toBe(true);
    expect(results.filter((result) => result.cache.hit)).toHaveLength(19);
    expect(results.filter((result) => result.usage.costUsd > 0)).toHaveLength(1);
    expect(cache.stats()).toMatchObject({ misses: 1, coalesced: 19 });
    expect(new Set(results.map((result) => result.output)).size).toBe(20);
  });

  it('finishes the shared stream for the others when the caller that started it stops reading', async () => {
    const { runtime } = setup();
    const call = { agent: 'writer', input: { text: 'one two three' }, tenant: 'acme' };
    const leader = (async () => {
      for await (const event of runtime.stream(call)) if (event.type === 'text-delta') break;
    })();
    const follower = streamEvents(runtime, call);
    await leader;
    const events = await follower;
    expect(events.filter((event) => event.type === 'text-delta')).toHaveLength(3);
    expect(events.at(-1)?.type).toBe('result');
  });

  it('gives coalesced stream callers the same events as the caller that ran', async () => {
    const { runtime } = setup();
    const call = { agent: 'writer', input: { text: 'one two three' }, tenant: 'acme' };
    const [led, followed] = await Promise.all([streamEvents(runtime, call), streamEvents(runtime, call)]);
    expect(shapes(followed)).toEqual(shapes(led));
    expect(followed.filter((event) => event.type === 'text-delta')).toEqual(led.filter((event) => event.type === 'text-delta'));
  });

  it('keeps the shared run going when one caller cancels, and stops it when all have', async () => {
    const { runs, signals, runtime, hold } = setup();
    const call = { agent: 'echo', input: { text: 'slow' }, tenant: 'acme' };
    let release = hold();
    const quitter = new AbortController();
    const leaving = runtime.invoke({ ...call, signal: quitter.signal });
    const staying = runtime.invoke(call);
    await new Promise((resolve) => setTimeout(resolve, 10));
    quitter.abort();
    await expect(leaving).rejects.toMatchObject({ code: 'AGENTRY_CANCELLED' });
    release();
    expect((await staying).output).toMatchObject({ text: 'slow' });
    expect(runs.echo).toBe(1);

    release = hold();
    const first = new AbortController();
    const second = new AbortController();
    const other = { ...call, input: { text: 'abandoned' } };
    const calls = [runtime.invoke({ ...other, signal: first.signal }), runtime.invoke({ ...other, signal: second.signal })];
    await new Promise((resolve) => setTimeout(resolve, 10));
    first.abort();
    second.abort();
    await Promise.allSettled(calls);
    expect(signals.at(-1)?.aborted).toBe(true);
    release();
    expect((await runtime.invoke(other)).cache.hit).toBe(false);
  });

  it('gives every coalesced caller the shared error with its own request id', async () => {
    const { runtime } = setup();
    const call = { agent: 'flaky', input: { text: 'x' }, tenant: 'acme' };
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => runtime.invoke({ ...call, requestId: `req_${n}` })));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const errors = outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason as AgentryError);
    expect(errors.map((error) => error.code)).toEqual(['AGENTRY_RATE_LIMITED', 'AGENTRY_RATE_LIMITED', 'AGENTRY_RATE_LIMITED']);
    expect(errors.map((error) => error.requestId)).toEqual(['req_1', 'req_2', 'req_3']);
  });
});

describe('cacheMiddleware: per-call control and invalidation', () => {
  it('bypass neither reads nor writes the cache', async () => {
    const { runs, cache, echo } = setup();
    await echo('fresh', { cache: { bypass: true } });
    expect((await echo('fresh')).cache.hit).toBe(false);
    expect((await echo('fresh', { cache: { bypass: true } })).cache.hit).toBe(false);
    expect(runs.echo).toBe(3);
    expect(cache.stats().bypassed).toBe(2);
  });

  it('refresh runs the agent even on a hit and replaces the entry', async () => {
    const { echo } = setup();
    await echo('news');
    const refreshed = await echo('news', { cache: { refresh: true } });
    expect(refreshed.cache.hit).toBe(false);
    expect(refreshed.output.run).toBe(2);
    const after = await echo('news');
    expect(after.cache.hit).toBe(true);
    expect(after.output.run).toBe(2);
  });

  it('never serves one version’s entry to another, and invalidateAgent drops every entry of the agent', async () => {
    const { runs, cache, echo } = setup();
    await echo('v', { version: '1.0.0' });
    const newer = await echo('v', { version: '1.1.0' });
    expect(newer.cache.hit).toBe(false);
    expect(newer.output.version).toBe('1.1.0');
    expect((await echo('v', { version: '1.0.0' })).cache.hit).toBe(true);

    await cache.invalidateAgent('echo');
    expect((await echo('v', { version: '1.0.0' })).cache.hit).toBe(false);
    expect((await echo('v', { version: '1.1.0' })).cache.hit).toBe(false);
    expect((await echo('v', { version: '1.0.0' })).cache.hit).toBe(true);
    expect(runs.echo).toBe(4);
  });

  it('invalidateTag drops only the entries carrying that tag', async () => {
    const { cache, echo } = setup({ tags: (target) => [`doc:${(target.input as { text: string }).text}`] });
    await echo('a');
    await echo('b');
    await cache.invalidateTag('doc:a');
    expect((await echo('a')).cache.hit).toBe(false);
    expect((await echo('b')).cache.hit).toBe(true);
  });

  it('has tells whether a call would be answered from the store, counting and growing nothing', async () => {
    let now = 0;
    const store = createMemoryKeyValueStore({ now: () => now });
    const { cache, echo } = setup({ store, ttlMs: 100, maxTtlMs: 400 });
    const target = { agent: 'echo', version: '1.1.0', input: { text: 'asked' }, tenant: 'acme' };
    expect(await cache.has(target)).toBe(false);
    expect((await echo('asked')).version).toBe('1.1.0');
    expect(await cache.has(target)).toBe(true);
    expect(await cache.has({ ...target, tenant: 'other' })).toBe(false);
    expect(await cache.has({ ...target, version: '1.0.0' })).toBe(false);
    now = 99;
    expect(await cache.has(target)).toBe(true);
    now = 100; // a hit at 99 would have grown the lifetime; has did not
    expect(await cache.has(target)).toBe(false);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 1 });
    await echo('asked');
    await cache.invalidateAgent('echo');
    expect(await cache.has(target)).toBe(false);
  });

  it('evict removes the entry of one call', async () => {
    const { cache, echo } = setup();
    await echo('a');
    await echo('b');
    await cache.evict({ tenant: 'acme', agent: 'echo', version: '1.1.0', input: { text: 'a' } });
    expect((await echo('a')).cache.hit).toBe(false);
    expect((await echo('b')).cache.hit).toBe(true);
  });
});

describe('cacheMiddleware: streams', () => {
  it('replays a cached stream with the same event shapes and deltas, ending with a zero-cost hit result', async () => {
    const { runs, runtime } = setup({}, scoring(() => [pass]));
    const call = { agent: 'writer', input: { text: 'one two three' }, tenant: 'acme' };
    const live = await streamEvents(runtime, call);
    const replay = await streamEvents(runtime, call);
    expect(runs.writer).toBe(1);
    expect(shapes(replay)).toEqual(shapes(live));
    expect(shapes(live)).toEqual([
      'start(agent,id,requestId,type,version)',
      'text-delta(text,type)',
      'text-delta(text,type)',
      'text-delta(text,type)',
      'tool-call(args,name,toolCallId,type)',
      'usage(type,usage)',
      'eval(eval,type)',
      'result(result,type)',
    ]);
    const content = (events: typeof live) => events.filter((event) => ['text-delta', 'tool-call', 'eval'].includes(event.type));
    expect(content(replay)).toEqual(content(live));
    const result = replay.at(-1);
    expect(result?.type === 'result' && result.result.cache).toEqual({ hit: true, savedCostUsd: 0.02 });
    const usage = replay.find((event) => event.type === 'usage');
    expect(usage?.type === 'usage' && usage.usage).toMatchObject({ costUsd: 0, outputTokens: 0, modelCalls: 0 });
    expect(usage?.type === 'usage' && usage.usage.timeToFirstEventMs).toBeGreaterThanOrEqual(0);
  });

  it('serves an invoke from an entry a stream wrote, and the other way round', async () => {
    const { runs, runtime } = setup();
    const call = { agent: 'writer', input: { text: 'x y' }, tenant: 'acme' };
    await streamEvents(runtime, call);
    expect((await runtime.invoke(call)).cache.hit).toBe(true);
    expect(runs.writer).toBe(1);
  });
});

describe('cacheMiddleware: adaptive lifetime and re-evaluation', () => {
  it('grows the lifetime of an entry on each hit up to maxTtlMs, and lets an unused entry expire', async () => {
    let now = 0;
    const store = createMemoryKeyValueStore({ now: () => now });
    const { echo } = setup({ store, ttlMs: 100, maxTtlMs: 400 });
    await echo('hot');
    await echo('cold');
    now = 50;
    expect((await echo('hot')).cache.hit).toBe(true); // lifetime 200 from t=50
    now = 200;
    expect((await echo('cold')).cache.hit).toBe(false); // never hit: gone after 100
    expect((await echo('hot')).cache.hit).toBe(true); // alive thanks to the growth; now 400 from t=200
    now = 550;
    expect((await echo('hot')).cache.hit).toBe(true); // capped at 400: no further growth
    now = 650;
    expect((await echo('hot')).cache.hit).toBe(false);
  });

  it('evicts an entry whose sampled re-evaluation fails and runs the agent instead', async () => {
    let verdict = true;
    const checked: unknown[] = [];
    const { runs, cache, echo } = setup({
      revalidate: ({ result }) => (checked.push(result.output), { pass: verdict }),
      revalidateRate: 1,
    });
    await echo('claim');
    expect((await echo('claim')).cache.hit).toBe(true);
    verdict = false;
    const rerun = await echo('claim');
    expect(rerun.cache.hit).toBe(false);
    expect(runs.echo).toBe(2);
    expect(checked).toHaveLength(2);
    expect(cache.stats().evicted).toBe(1);
  });

  it('treats a re-evaluation that throws as failed, and skips re-evaluation on hits not sampled', async () => {
    const throwing = setup({ revalidate: () => Promise.reject(new Error('judge down')), revalidateRate: 1 });
    await throwing.echo('x');
    expect((await throwing.echo('x')).cache.hit).toBe(false);

    let calls = 0;
    const unsampled = setup({ revalidate: () => (calls++, false), revalidateRate: 0.5, random: () => 0.9 });
    await unsampled.echo('x');
    expect((await unsampled.echo('x')).cache.hit).toBe(true);
    expect(calls).toBe(0);
  });
});

describe('cacheMiddleware: degraded store', () => {
  const unavailable = () => Promise.reject(new AgentryError('AGENTRY_STORE_UNAVAILABLE', 'redis store get failed: Redis is unavailable'));

  it('serves every call as a miss when the store fails, and counts the degraded lookups', async () => {
    const broken: KeyValueStore = { get: unavailable, set: unavailable, setIfAbsent: unavailable, delete: unavailable };
    const { runs, cache, echo } = setup({ store: broken });
    expect((await echo('still works')).output.text).toBe('still works');
    expect((await echo('still works')).cache.hit).toBe(false);
    expect(runs.echo).toBe(2);
    expect(cache.stats()).toMatchObject({ degradedLookups: 2, misses: 2, admitted: 0 });
  });

  it('counts failed writes without failing the call', async () => {
    const memory = createMemoryKeyValueStore();
    const readOnly: KeyValueStore = { ...memory, set: unavailable, setIfAbsent: unavailable };
    const { cache, echo } = setup({ store: readOnly });
    expect((await echo('x')).output.text).toBe('x');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(cache.stats().degradedWrites).toBe(1);
  });
});

describe('cacheMiddleware: options', () => {
  it('refuses wrong options with AGENTRY_INVALID_OPTIONS naming the field', () => {
    const store = createMemoryKeyValueStore();
    expect(() => cacheMiddleware({ store: {} as KeyValueStore })).toThrow(/`store`/);
    expect(() => cacheMiddleware({ store, ttlMs: 0 })).toThrow(/`ttlMs`/);
    expect(() => cacheMiddleware({ store, ttlMs: 1_000, maxTtlMs: 10 })).toThrow(/`maxTtlMs`/);
    expect(() => cacheMiddleware({ store, revalidateRate: 2 })).toThrow(/`revalidateRate`/);
    try {
      cacheMiddleware({ store, ttlGrowth: 0.5 });
    } catch (error) {
      expect(error).toMatchObject({ code: 'AGENTRY_INVALID_OPTIONS' });
    }
  });
});
