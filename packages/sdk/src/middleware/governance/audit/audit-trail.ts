import { AgentryError } from '../../../contract';
import { appendLogPages } from '../../../stores/append-log';
import { genesisHash, sealAuditEntry, type AuditEntry, type AuditRecord } from './audit-entry';
import { verifyAuditChain, type AuditChainVerdict, type VerifyAuditChainOptions } from './verify-audit-chain';

/**
 * The part of the stores' `AppendLog` an audit trail needs. Every `AppendLog` (memory, Redis)
 * and {@link createJsonlAuditSink} fit; it is restated here because middleware sit below stores.
 */
export interface AuditAppendLog {
  append(log: string, values: readonly unknown[]): Promise<number>;
  /** Appends only while the last entry is `lastSequence`; with it, several writers share one chain. */
  appendAfter?(log: string, lastSequence: number, values: readonly unknown[]): Promise<number | undefined>;
  read<Value = unknown>(log: string, options?: { after?: number; limit?: number }): Promise<{ sequence: number; value: Value }[]>;
}

/** Options of {@link createAuditTrail}. */
export interface AuditTrailOptions {
  /** Where entries are appended. */
  log: AuditAppendLog;
  /**
   * Name of the log. Writers may share it when the log appends conditionally (`appendAfter`:
   * the memory and Redis logs): one that loses a race re-reads the end and seals on top, so the
   * chain stays linear. A JSON Lines file has one writer. @default 'audit'
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

// Contention is resolved by re-reading and sealing again, after a random pause of up to
// maxBackoffMs; a batch that kept losing for contendedBudgetMs fails.
const contendedBudgetMs = 10_000;
const maxBackoffMs = 100;

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
  // The log's sequence of the chain's last entry: where a conditional append must follow.
  let headSequence = 0;
  let writing = false;

  async function readAll(): Promise<AuditEntry[]> {
    const all: AuditEntry[] = [];
    for await (const page of appendLogPages<AuditEntry>(options.log, name)) for (const item of page) all.push(item.value);
    return all;
  }

  /** The chain's last entry and its position in the log, read from the log after `after`. */
  async function readHead(after: number, known: { seq: number; hash: string }): Promise<{ head: { seq: number; hash: string }; sequence: number }> {
    let head = known;
    let sequence = after;
    for await (const page of appendLogPages<Partial<AuditEntry> | null>(options.log, name, { after })) {
      sequence = page.at(-1)!.sequence;
      // The chain goes on from the last audit entry; anything else appended to the log (which
      // verification reports) must not become the link of the next entry.
      for (let index = page.length - 1; index >= 0; index--) {
        const value = page[index]!.value;
        if (typeof value?.seq === 'number' && typeof value.hash === 'string') {
          head = { seq: value.seq, hash: value.hash };
          break;
        }
      }
    }
    return { head, sequence };
  }

  function seal(batch: Pending[], from: { seq: number; hash: string }, at: string): AuditEntry[] {
    const sealed: AuditEntry[] = [];
    let previous = from;
    for (const { record } of batch) {
      const entry = sealAuditEntry(record, previous.seq + 1, previous.hash, at);
      sealed.push(entry);
      previous = { seq: entry.seq, hash: entry.hash };
    }
    return sealed;
  }

  /**
   * Appends a batch at the end of the chain. With a log that appends conditionally, another
   * writer that got there first (a replica on the same trail name) only means reading its
   * entries and sealing again on top of them, so the chain stays one line.
   */
  async function write(batch: Pending[]): Promise<AuditEntry[]> {
    const at = new Date(clock()).toISOString();
    const { appendAfter } = options.log;
    if (appendAfter === undefined) {
      const sealed = seal(batch, head!, at);
      await options.log.append(name, sealed);
      head = { seq: sealed.at(-1)!.seq, hash: sealed.at(-1)!.hash };
      return sealed;
    }
    const startedAt = Date.now();
    for (let attempt = 1; ; attempt++) {
      const sealed = seal(batch, head!, attempt === 1 ? at : new Date(clock()).toISOString());
      const written = await appendAfter.call(options.log, name, headSequence, sealed);
      if (written !== undefined) {
        head = { seq: sealed.at(-1)!.seq, hash: sealed.at(-1)!.hash };
        headSequence = written;
        return sealed;
      }
      const expected = headSequence;
      ({ head, sequence: headSequence } = await readHead(headSequence, head!));
      // Nothing after where the log was thought to end: it was cut back (deleted, or its last
      // entry removed). Its end is found again from the start.
      if (headSequence === expected) ({ head, sequence: headSequence } = await readHead(0, { seq: 0, hash: genesisHash }));
      if (Date.now() - startedAt > contendedBudgetMs) {
        throw new AgentryError('AGENTRY_UNAVAILABLE', `audit trail ${name}: other writers kept appending first for ${contendedBudgetMs} ms (${attempt} attempts)`, {
          hint: 'Give each replica its own trail name (audit:${hostname}) when many write at once.',
        });
      }
      // A random, growing pause, so writers that lost together do not collide again; records
      // that arrived meanwhile join the batch, so each win writes more.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(maxBackoffMs, 2 ** attempt)));
      batch.push(...queue.splice(0));
    }
  }

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0);
        try {
          if (head === undefined) ({ head, sequence: headSequence } = await readHead(0, { seq: 0, hash: genesisHash }));
          const sealed = await write(batch);
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
