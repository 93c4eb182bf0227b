/** One entry read back from an {@link AppendLog}, with its position. */
export interface AppendLogEntry<Value = unknown> {
  /** Position in the log, increasing; pass it as `after` to read on from there. */
  readonly sequence: number;
  readonly value: Value;
}

/**
 * An append-only log per name: usage ledgers and audit trails. Entries are JSON-compatible and
 * never changed once written.
 */
export interface AppendLog {
  /** Appends entries in order and returns the sequence of the last one. */
  append(log: string, values: readonly unknown[]): Promise<number>;
  /**
   * Appends only while the log's last entry is still `lastSequence` (0: the log is empty), and
   * returns the sequence of the last entry written; `undefined`, writing nothing, when another
   * writer appended first. Atomic: what lets several writers keep one hash chain. Optional.
   */
  appendAfter?(log: string, lastSequence: number, values: readonly unknown[]): Promise<number | undefined>;
  /** Reads entries after `after` (exclusive; from the start when absent), at most `limit`. */
  read<Value = unknown>(log: string, options?: { after?: number; limit?: number }): Promise<AppendLogEntry<Value>[]>;
  close?(): Promise<void>;
}
