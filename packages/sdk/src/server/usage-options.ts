import { integer, invalid } from './option-checks';

/**
 * Bounds of the in-memory usage counts behind `GET /v1/usage` (`ServerOptions.usage`). Usage is
 * counted per tenant, agent and interval of `granularityMs`; memory is at most about
 * `maxEntries` × 200 bytes.
 */
export interface UsageOptions {
  /** How long usage stays reportable, in ms. @default 86400000 (24 h) */
  retentionMs?: number;
  /** Width of the intervals usage is counted in, in ms: the precision of `from` and `to`. @default 60000 (1 min) */
  granularityMs?: number;
  /**
   * Entries kept at most, one per tenant, agent and interval with calls. Past this the oldest
   * intervals are forgotten before `retentionMs`; the report's `retainedSince` says so. @default 50000
   */
  maxEntries?: number;
}

/** {@link UsageOptions} with every default filled in. */
export interface ResolvedUsageOptions {
  retentionMs: number;
  granularityMs: number;
  maxEntries: number;
}

/**
 * Checks `ServerOptions.usage`; undefined when usage reporting is off.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the wrong field.
 */
export function resolveUsageOptions(options: UsageOptions | false | undefined): ResolvedUsageOptions | undefined {
  if (options === false) return undefined;
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw invalid('usage', 'must be an object or false');
  const granularityMs = integer('usage.granularityMs', options?.granularityMs, 60_000, 1_000);
  const retentionMs = integer('usage.retentionMs', options?.retentionMs, 86_400_000, granularityMs);
  return { retentionMs, granularityMs, maxEntries: integer('usage.maxEntries', options?.maxEntries, 50_000, 1) };
}
