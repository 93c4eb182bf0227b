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

/** What {@link appendLogPages} reads through: any log's `read`. */
export interface ReadableLog {
  read<Value = unknown>(log: string, options?: { after?: number; limit?: number }): Promise<readonly { sequence: number; value: Value }[]>;
}

/**
 * The entries of a log after `after` (from the start by default), a page of at most `pageSize`
 * at a time, in order; nothing is yielded for a log with nothing there.
 */
export async function* appendLogPages<Value = unknown>(
  log: ReadableLog,
  name: string,
  options: { after?: number; pageSize?: number } = {},
): AsyncGenerator<readonly { sequence: number; value: Value }[]> {
  const pageSize = options.pageSize ?? 1_000;
  let after = options.after ?? 0;
  for (;;) {
    const page = await log.read<Value>(name, { after, limit: pageSize });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page.at(-1)!.sequence;
  }
}
