import type { EvalScore } from '../../contract';
import type { UsageEvalSummary, UsageRecord } from '../../contract/usage-event';
import type { Invocation } from '../../core/invocation';
import { createId } from '../../core/ids';
import type { Middleware } from '../../core/middleware';
import { MeteredEvents, type Observed } from './metered-events';
import { createUsageExporter, type UsageExporterOptions, type UsageExporterStats } from './usage-exporter';
import { usageOutcomeOf } from './usage-outcome';
import type { UsageSink } from './usage-sink';

/** Options of {@link meterMiddleware}. */
export interface MeterOptions {
  /** Where usage records go: memory, a JSON Lines file, an append log, or your own. */
  sink: UsageSink;
  /** Buffering and delivery. @default { maxBuffered: 10000, batchSize: 100, flushIntervalMs: 1000, maxAttempts: 3, writeTimeoutMs: 10000 } */
  buffer?: UsageExporterOptions;
  /** Copy the invocation's metadata labels into each record. @default true */
  includeMetadata?: boolean;
  /** Clock in epoch milliseconds, injectable for tests. @default Date.now */
  now?: () => number;
}

/** The meter: a middleware plus control of its export queue. */
export interface MeterMiddleware extends Middleware {
  /** Delivery counts: recorded, delivered, dropped, failed, buffered, in flight. */
  stats(): UsageExporterStats;
  /** Writes what is buffered now (one attempt). */
  flush(): Promise<void>;
  /**
   * Delivers or gives up every buffered record, then closes the sink. Call on shutdown. Records a
   * hung sink has not taken after `timeoutMs` are counted as failed.
   */
  close(options?: { /** @default 10000 */ timeoutMs?: number }): Promise<void>;
}

/**
 * Meters every invocation: one {@link UsageRecord} per call, whether it succeeded, failed, was
 * refused or cancelled, with tokens, cost, latency, time to first event, cache hit, evals and
 * outcome. Records are queued in memory and shipped in batches, so the sink never slows a call;
 * what cannot be shipped is counted in `stats()`, never lost silently.
 *
 * Place it outside the middleware whose refusals it should see (budget, governance) and outside
 * eval so results carry their scores: `[meterMiddleware(...), budgetMiddleware(...), evalMiddleware(...)]`.
 *
 * @example
 * const sink = createMemoryUsageSink();
 * const meter = meterMiddleware({ sink });
 * const runtime = createRuntime({ packs: [echoPack], middleware: [meter] });
 * await runtime.invoke({ agent: 'echo', input: { text: 'hi' }, tenant: 'acme' });
 * await meter.flush();
 * sink.records()[0]?.outcome; // 'success'
 */
export function meterMiddleware(options: MeterOptions): MeterMiddleware {
  const exporter = createUsageExporter(options.sink, options.buffer);
  const now = options.now ?? Date.now;
  const includeMetadata = options.includeMetadata ?? true;

  function record(invocation: MeteredCall, observed: Observed): void {
    try {
      exporter.record(toRecord(invocation, observed, includeMetadata));
    } catch {
      // Building a record from well-typed values cannot fail short of a bug; never let metering fail a call.
    }
  }

  return {
    name: 'meter',
    handle: (invocation, next) => new MeteredEvents(invocation, next, now, record),
    // A call turned away before the chain (unknown agent, bad input) is a call too: one record.
    // No tokens, no cost, its error code; an id of its own, as it never became an invocation.
    rejected: (call, error) =>
      record(
        { ...call, subject: call.subject, id: createId('inv') },
        { result: undefined, usage: undefined, evals: [], firstEventAt: undefined, endedAt: now(), errorCode: error.code },
      ),
    stats: () => exporter.stats(),
    flush: () => exporter.flush(),
    close: (closeOptions) => exporter.close(closeOptions),
  };
}


/** What a record says of the call itself: an invocation has it, and so does a call turned away before the chain. */
type MeteredCall = Pick<Invocation, 'id' | 'requestId' | 'tenant' | 'subject' | 'agent' | 'version' | 'mode' | 'startedAt' | 'metadata'>;

function toRecord(invocation: MeteredCall, observed: Observed, includeMetadata: boolean): UsageRecord {
  const { result } = observed;
  const usage = result?.usage ?? observed.usage;
  const timeToFirstEventMs =
    observed.firstEventAt === undefined ? usage?.timeToFirstEventMs : observed.firstEventAt - invocation.startedAt;
  const success = result !== undefined;
  const code = success ? undefined : (observed.errorCode ?? 'AGENTRY_INTERNAL');
  return {
    schemaVersion: 1,
    timestamp: isoTimestamp(observed.endedAt),
    requestId: invocation.requestId,
    invocationId: invocation.id,
    tenant: invocation.tenant,
    ...(invocation.subject === undefined ? {} : { subject: invocation.subject }),
    agent: result?.agent ?? invocation.agent,
    version: result?.version ?? invocation.version,
    variant: result?.variant ?? null,
    mode: invocation.mode,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    cachedInputTokens: usage?.cachedInputTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
    reasoningTokens: usage?.reasoningTokens ?? 0,
    costUsd: usage?.costUsd ?? 0,
    ...(result?.cache.savedCostUsd === undefined ? {} : { savedCostUsd: result.cache.savedCostUsd }),
    latencyMs: Math.max(0, observed.endedAt - invocation.startedAt),
    ...(timeToFirstEventMs === undefined ? {} : { timeToFirstEventMs: Math.max(0, timeToFirstEventMs) }),
    cacheHit: result?.cache.hit ?? false,
    outcome: code === undefined ? 'success' : usageOutcomeOf(code),
    ...(code === undefined ? {} : { errorCode: code }),
    ...evalCostOf(result?.evals ?? observed.evals),
    evals: summarizeEvals(result?.evals ?? observed.evals),
    ...(includeMetadata && hasKeys(invocation.metadata) ? { metadata: { ...invocation.metadata } } : {}),
  };
}

// Calls end many to a millisecond under load, and formatting a date costs more than the rest of
// the record: the last one is kept.
let lastTimestampMs = Number.NaN;
let lastTimestamp = '';

function hasKeys(record: Readonly<Record<string, string>>): boolean {
  for (const _key in record) return true;
  return false;
}

/** `ms` as ISO 8601 in UTC. */
function isoTimestamp(ms: number): string {
  if (ms !== lastTimestampMs) {
    lastTimestamp = new Date(ms).toISOString();
    lastTimestampMs = ms;
  }
  return lastTimestamp;
}

/** Counts scores; a score with `error` never counts as passed. */
export function summarizeEvals(scores: readonly EvalScore[]): UsageEvalSummary {
  let passed = 0;
  let errored = 0;
  const failed: string[] = [];
  for (const score of scores) {
    if (score.error !== undefined) errored++;
    if (score.pass && score.error === undefined) passed++;
    else failed.push(score.name);
  }
  return { total: scores.length, passed, errored, failed, scores: scores.map(copyScore) };
}

/** The judges' cost of a call's scores, when any evaluator reported one. */
function evalCostOf(scores: readonly EvalScore[]): { evalCostUsd?: number } {
  let total: number | undefined;
  for (const score of scores) if (score.costUsd !== undefined) total = (total ?? 0) + score.costUsd;
  return total === undefined ? {} : { evalCostUsd: total };
}

/** A score as the record keeps it: its own object, without fields the evaluator left undefined. */
function copyScore(score: EvalScore): EvalScore {
  const copy: EvalScore = { name: score.name, score: score.score, pass: score.pass };
  if (score.reason !== undefined) copy.reason = score.reason;
  if (score.error !== undefined) copy.error = score.error;
  if (score.costUsd !== undefined) copy.costUsd = score.costUsd;
  return copy;
}
