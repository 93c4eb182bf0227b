// The full chain [meter, governance, budget, cache, eval] proven end to end, one scenario list run
// in each place the chain can live: the in-process runtime, inside the server (plain HTTP client),
// and in the client around the HTTP transport (server without middleware).
import { afterEach, describe, expect, it } from 'vitest';
import { redactionMarker, type AgentryError } from '@agentry/sdk';
import {
  collectStream,
  evaluatorNames,
  eventShape,
  expectedCost,
  openPipelineHarness,
  placements,
  resultOf,
  until,
  type PipelineHarness,
  type PipelineOptions,
  type Placement,
} from '../support/pipeline-kit';

const plain = 'Agentry meters every call it runs. Budgets cap what a tenant may spend. Caches keep only results that pass their evals.';
const personal =
  'Please refund jane.doe@example.com today. Her card 4111 1111 1111 1111 was charged twice. Call her back on +1 415 555 0100 once it is done.';

const opened: PipelineHarness[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((harness) => harness.close()));
});

async function open(placement: Placement, options: PipelineOptions = {}): Promise<PipelineHarness> {
  const harness = await openPipelineHarness(placement, options);
  opened.push(harness);
  return harness;
}

async function failure(promise: Promise<unknown>): Promise<AgentryError> {
  try {
    await promise;
  } catch (error) {
    return error as AgentryError;
  }
  throw new Error('expected the call to fail');
}

describe.each(placements)('the full pipeline, %s', (placement) => {
  it('records one usage record per call with tokens, cost, latency, outcome and request id', async () => {
    const h = await open(placement);
    const result = await h.client.invoke('scribe', { text: plain }, { requestId: 'req_meter_one', subject: 'user-1', metadata: { feature: 'inbox' } });

    expect(result.requestId).toBe('req_meter_one');
    expect(result.usage.costUsd).toBeGreaterThan(0);
    expect(result.usage.costUsd).toBeCloseTo(expectedCost(result.usage), 12);
    const records = await h.usage();
    expect(records).toHaveLength(1);
    // Reading again flushes an empty buffer: regression, that used to leave the meter spinning forever.
    expect(await h.usage()).toEqual(records);
    expect(await h.usage()).toEqual(records);
    const record = records[0]!;
    expect(record).toMatchObject({
      requestId: 'req_meter_one',
      tenant: h.tenant,
      subject: 'user-1',
      agent: 'scribe',
      version: '1.0.0',
      mode: 'invoke',
      outcome: 'success',
      cacheHit: false,
      inputTokens: result.usage.inputTokens,
      outputTokens: result.usage.outputTokens,
      metadata: { feature: 'inbox' },
      evals: { total: evaluatorNames.length, passed: evaluatorNames.length, errored: 0, failed: [] },
    });
    expect(record.inputTokens).toBeGreaterThan(0);
    expect(record.outputTokens).toBeGreaterThan(0);
    expect(record.costUsd).toBeCloseTo(result.usage.costUsd, 12);
    expect(record.latencyMs).toBeGreaterThanOrEqual(0);
    expect(record.errorCode).toBeUndefined();
  });

  it('warns past the soft limit on streams and refuses with AGENTRY_BUDGET_EXCEEDED once the budget is spent', async () => {
    // Each call reserves 0.02 up front: the first reservation alone passes the soft limit.
    const h = await open(placement, { limits: { '*': { period: 'day', hardUsd: 0.05, softUsd: 0.01 } }, estimateUsd: 0.02 });
    const events = await collectStream(h.client.stream('scribe', { text: plain }));
    const warning = events.find((event) => event.type === 'warning');
    expect(warning).toMatchObject({ type: 'warning', code: 'AGENTRY_BUDGET_SOFT_LIMIT', message: expect.stringContaining('soft limit') });
    expect(events.indexOf(warning!)).toBeLessThan(events.findIndex((event) => event.type === 'result'));
    // The warning comes before the server answers; the stream still opens with the result's invocation.
    expect(events[0]).toEqual({ type: 'start', id: resultOf(events).id, agent: 'scribe', version: '1.0.0', requestId: resultOf(events).requestId });

    let refusal: AgentryError | undefined;
    for (let call = 0; call < 20 && refusal === undefined; call++) {
      // Distinct inputs: a cache hit costs nothing and would never spend the budget.
      await h.client.invoke('scribe', { text: `${plain} Call ${'x'.repeat(call + 1)}.` }).catch((error: AgentryError) => (refusal = error));
    }
    expect(refusal).toMatchObject({ code: 'AGENTRY_BUDGET_EXCEEDED', status: 402 });

    const records = await h.usage();
    const spent = records.filter((record) => record.outcome === 'success').reduce((sum, record) => sum + record.costUsd, 0);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(0.05);
    expect(records.at(-1)).toMatchObject({ outcome: 'refused', errorCode: 'AGENTRY_BUDGET_EXCEEDED', costUsd: 0 });
  });

  it('attaches eval scores to result.evals and streams them as eval events before the result', async () => {
    const h = await open(placement);
    const invoked = await h.client.invoke('scribe', { text: plain });
    expect(invoked.evals.map((score) => score.name)).toEqual([...evaluatorNames]);
    expect(invoked.evals.every((score) => score.pass)).toBe(true);

    const events = await collectStream(h.client.stream('scribe', { text: `${plain} Streamed.` }));
    const evalEvents = events.flatMap((event) => (event.type === 'eval' ? [event.eval] : []));
    expect(evalEvents.map((score) => score.name)).toEqual([...evaluatorNames]);
    expect(resultOf(events).evals).toEqual(evalEvents);
    const types = events.map((event) => event.type);
    expect(types.lastIndexOf('eval')).toBeLessThan(types.indexOf('result'));
  });

  it('redacts personal data in the input before the pack sees it and in the output, and never caches a leak', async () => {
    const h = await open(placement);
    const result = await h.client.invoke<{ summary: string; contact?: string }>('scribe', { text: personal, withContact: true });

    const seen = h.seen.at(-1)!;
    for (const secret of ['jane.doe@example.com', '4111 1111 1111 1111', '555 0100']) {
      expect(seen).not.toContain(secret);
      expect(JSON.stringify(result.output)).not.toContain(secret);
    }
    expect(seen).toContain(redactionMarker('email'));
    expect(result.output.contact).toBe(`Escalations go to ${redactionMarker('email')}`);
    expect(JSON.stringify(result.output)).not.toContain('ops.lead@example.com');
    // Evals score the pack's own answer (inside governance): the leak is seen, so it is not cached.
    expect(result.evals.find((score) => score.name === 'pii-leak')).toMatchObject({ pass: false });
    const again = await h.client.invoke('scribe', { text: personal, withContact: true });
    expect(again.cache.hit).toBe(false);
    expect(h.pipeline.cache.stats().refused).toBeGreaterThanOrEqual(1);

    const audit = await h.pipeline.audit.entries();
    expect(audit.at(-1)).toMatchObject({ decision: 'allow', outcome: 'succeeded', redactions: { input: { email: 1 }, output: { email: 1 } } });
    expect(JSON.stringify(audit)).not.toContain('jane.doe@example.com');
    expect((await h.pipeline.audit.verify()).ok).toBe(true);
  });

  it('refuses an agent the tier does not allow with AGENTRY_FORBIDDEN_TOOL, metered and audited as refused', async () => {
    const h = await open(placement);
    const error = await failure(h.client.invoke('summarize', { text: plain }, { requestId: 'req_forbidden' }));
    expect(error).toMatchObject({ code: 'AGENTRY_FORBIDDEN_TOOL', status: 403, requestId: 'req_forbidden' });
    expect(error.message).toContain('may not use agent summarize');

    expect(await h.usage()).toEqual([expect.objectContaining({ requestId: 'req_forbidden', outcome: 'refused', errorCode: 'AGENTRY_FORBIDDEN_TOOL', costUsd: 0 })]);
    expect(await h.pipeline.audit.entries()).toEqual([
      expect.objectContaining({ requestId: 'req_forbidden', agent: 'summarize', decision: 'refuse', code: 'AGENTRY_FORBIDDEN_TOOL', stage: 'tier' }),
    ]);
    expect(h.pipeline.budget.stats().allowed).toBe(0);
  });

  it('answers a second identical call from the cache at zero cost, metered as a hit with the cost it saved', async () => {
    const h = await open(placement);
    const first = await h.client.invoke('scribe', { text: plain });
    await until(() => h.pipeline.cache.stats().admitted === 1);
    const second = await h.client.invoke('scribe', { text: plain });

    expect(h.seen).toHaveLength(1);
    expect(first.cache).toEqual({ hit: false });
    expect(second.cache).toEqual({ hit: true, savedCostUsd: first.usage.costUsd });
    expect(second.usage).toMatchObject({ costUsd: 0, inputTokens: 0, outputTokens: 0, modelCalls: 0 });
    expect(second.output).toEqual(first.output);
    expect(second.id).not.toBe(first.id);
    expect(h.pipeline.cache.stats().hits).toBe(1);

    const [, hit] = await h.usage();
    expect(hit).toMatchObject({ cacheHit: true, costUsd: 0, savedCostUsd: first.usage.costUsd, outcome: 'success', inputTokens: 0 });
  });

  it('caches a streamed call and replays it as a stream with the same event shapes', async () => {
    const h = await open(placement);
    const text = `${plain} This one streams.`;
    const live = await collectStream(h.client.stream('scribe', { text }));
    await until(() => h.pipeline.cache.stats().admitted === 1);
    const replay = await collectStream(h.client.stream('scribe', { text }));

    expect(h.seen).toHaveLength(1);
    expect(replay.map(eventShape)).toEqual(live.map(eventShape));
    expect(live.map((event) => event.type)).toContain('text-delta');
    expect(resultOf(live).cache.hit).toBe(false);
    expect(resultOf(replay).cache).toEqual({ hit: true, savedCostUsd: resultOf(live).usage.costUsd });
    expect(resultOf(replay).output).toEqual(resultOf(live).output);
    // A replay never reaches the server, yet opens like a live stream: the result's id and version.
    expect(replay[0]).toEqual({ type: 'start', id: resultOf(replay).id, agent: 'scribe', version: '1.0.0', requestId: resultOf(replay).requestId });

    const [liveRecord, hitRecord] = await h.usage();
    expect(liveRecord).toMatchObject({ mode: 'stream', cacheHit: false });
    expect(liveRecord!.costUsd).toBeGreaterThan(0);
    expect(liveRecord!.timeToFirstEventMs).toBeGreaterThanOrEqual(0);
    expect(hitRecord).toMatchObject({ mode: 'stream', cacheHit: true, costUsd: 0, savedCostUsd: liveRecord!.costUsd });
  });

  it.runIf(placement !== 'client-over-http')('runs a submitted job through the chain: redacted, scored, metered, audited', async () => {
    const h = await open(placement);
    expect(h.jobsRunChain).toBe(true);
    const job = await h.client.submit('scribe', { text: personal }, { requestId: 'req_job' });
    const result = await job.result({ pollIntervalMs: 5, timeoutMs: 10_000 });

    expect(h.seen.at(-1)).toContain(redactionMarker('email'));
    expect(JSON.stringify(result.output)).not.toContain('jane.doe@example.com');
    expect(result.evals.map((score) => score.name)).toEqual([...evaluatorNames]);
    expect(result.usage.costUsd).toBeGreaterThan(0);
    expect(await h.usage()).toEqual([expect.objectContaining({ requestId: 'req_job', mode: 'job', outcome: 'success', costUsd: result.usage.costUsd })]);
    expect(await h.pipeline.audit.entries()).toEqual([expect.objectContaining({ requestId: 'req_job', mode: 'job', decision: 'allow', outcome: 'succeeded' })]);
    expect(h.pipeline.budget.stats().allowed).toBe(1);
  });
});
