import type { UsageRecord } from '../../contract/usage-event';

/**
 * Where usage records go. The meter hands a sink batches from its own buffer, one write at a
 * time, so a sink need not be safe for concurrent writes: a write slower than the meter's
 * `writeTimeoutMs` is reported, then waited for, never overlapped or repeated while it runs. A
 * write that rejects is retried and finally counted as failed; it never reaches the caller of the
 * invocation.
 */
export interface UsageSink {
  /** Shown in error messages and stats. */
  readonly name: string;
  /** Persists a batch, in order. Rejects when the batch was not stored. */
  write(records: readonly UsageRecord[]): Promise<void>;
  /** Releases files or connections once the meter closed. */
  close?(): Promise<void>;
}
