import { genesisHash, sealAuditEntry, type AuditEntry, type AuditRecord } from './audit-entry';
import { verifyAuditChain, type AuditChainVerdict, type VerifyAuditChainOptions } from './verify-audit-chain';

/**
 * The part of the stores' `AppendLog` an audit trail needs. Every `AppendLog` (memory, Redis)
 * and {@link createJsonlAuditSink} fit; it is restated here because middleware sit below stores.
 */
export interface AuditAppendLog {
  append(log: string, values: readonly unknown[]): Promise<number>;
  read<Value = unknown>(log: string, options?: { after?: number; limit?: number }): Promise<{ sequence: number; value: Value }[]>;
}

/** Options of {@link createAuditTrail}. */
export interface AuditTrailOptions {
  /** Where entries are appended. */
  log: AuditAppendLog;
  /**
   * Name of the log. A chain has one writer: give each replica its own name
   * (`audit:${hostname}`) so their chains stay linear. @default 'audit'
   */
  name?: string;
  /** Clock for entry times, in epoch ms. @default Date.now */
  clock?: () => number;
}

/** A hash-chained, append-only record of governance decisions. */
export interface AuditTrail {
  /** Seals the record into the chain and appends it; resolves once it is written. */
  record(record: AuditRecord): Promise<AuditEntry>;
  /** Reads every entry, oldest first. */
  entries(): Promise<AuditEntry[]>;
  /** Reads the log and checks its chain. */
  verify(options?: VerifyAuditChainOptions): Promise<AuditChainVerdict>;
}

interface Pending {
  record: AuditRecord;
  resolve(entry: AuditEntry): void;
  reject(error: unknown): void;
}

const pageSize = 1_000;

/**
 * Creates an audit trail over an append log. Records are sealed and appended in the order
 * `record` was called; those that arrive while a write is in flight go out together in the
 * next append. A record is sealed only when its batch is written, so a failed write leaves no
 * hole in the chain: its records reject, and the next ones link to the last entry written.
 * On first use the trail reads the log to continue the chain where it ends.
 *
 * @example
 * const trail = createAuditTrail({ log: createMemoryAppendLog() });
 * const runtime = createRuntime({ packs, middleware: [governanceMiddleware({ audit: trail })] });
 */
export function createAuditTrail(options: AuditTrailOptions): AuditTrail {
  const name = options.name ?? 'audit';
  const clock = options.clock ?? Date.now;
  const queue: Pending[] = [];
  let head: { seq: number; hash: string } | undefined;
  let writing = false;

  async function readAll(): Promise<AuditEntry[]> {
    const all: AuditEntry[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await options.log.read<AuditEntry>(name, { ...(after === undefined ? {} : { after }), limit: pageSize });
      for (const item of page) all.push(item.value);
      if (page.length < pageSize) return all;
      after = page.at(-1)!.sequence;
    }
  }

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0);
        try {
          if (head === undefined) {
            const last = (await readAll()).at(-1);
            head = last === undefined ? { seq: 0, hash: genesisHash } : { seq: last.seq, hash: last.hash };
          }
          const at = new Date(clock()).toISOString();
          const sealed: AuditEntry[] = [];
          let previous = head;
          for (const { record } of batch) {
            const entry = sealAuditEntry(record, previous.seq + 1, previous.hash, at);
            sealed.push(entry);
            previous = { seq: entry.seq, hash: entry.hash };
          }
          await options.log.append(name, sealed);
          head = previous;
          batch.forEach((pending, index) => pending.resolve(sealed[index]!));
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      writing = false;
    }
  }

  return {
    record(record) {
      return new Promise<AuditEntry>((resolve, reject) => {
        queue.push({ record, resolve, reject });
        if (!writing) void drain();
      });
    },
    entries: readAll,
    async verify(verifyOptions) {
      return verifyAuditChain(await readAll(), verifyOptions);
    },
  };
}
