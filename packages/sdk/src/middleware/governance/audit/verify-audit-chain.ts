import { genesisHash, hashAuditEntry } from './audit-entry';

/** Options of {@link verifyAuditChain}. */
export interface VerifyAuditChainOptions {
  /**
   * Accept a chain that starts later than sequence 1 (an excerpt or a log whose head was
   * archived): the first entry's `seq` and `prevHash` are taken as given. @default false
   */
  partial?: boolean;
  /**
   * The hash the last entry must have, from a copy kept elsewhere. Detects entries cut from
   * the end and chains rewritten from scratch, which the links alone cannot.
   */
  expectedHeadHash?: string;
}

/** The verdict of {@link verifyAuditChain}. */
export interface AuditChainVerdict {
  readonly ok: boolean;
  /** Entries checked. */
  readonly entries: number;
  /** The last entry's sequence and hash, when the chain is intact. */
  readonly head?: { seq: number; hash: string };
  /** The first sequence number at which the chain is broken. */
  readonly firstBadSequence?: number;
  /** Position (from 0) of the entry where the break was found. */
  readonly index?: number;
  /** What is wrong there. */
  readonly problem?: string;
}

/**
 * Checks a hash-chained audit log: sequence numbers without gaps, each entry's `hash` equal to
 * the hash of its content, and each `prevHash` equal to the previous entry's hash. Detects
 * edited, deleted, reordered and inserted entries and names the first bad sequence number.
 *
 * @example
 * const verdict = verifyAuditChain(await trail.entries());
 * if (!verdict.ok) console.error(`tampered at ${verdict.firstBadSequence}: ${verdict.problem}`);
 */
export function verifyAuditChain(entries: readonly unknown[], options: VerifyAuditChainOptions = {}): AuditChainVerdict {
  let expectedSeq = 1;
  let expectedPrev = genesisHash;
  for (const [index, value] of entries.entries()) {
    const broken = (firstBadSequence: number, problem: string): AuditChainVerdict => ({ ok: false, entries: entries.length, firstBadSequence, index, problem });
    if (!isChained(value)) return broken(expectedSeq, `entry ${index + 1} is not an audit entry (seq, prevHash and hash are required)`);
    if (index === 0 && options.partial === true) {
      expectedSeq = value.seq;
      expectedPrev = value.prevHash;
    }
    if (value.seq > expectedSeq) {
      const missing = value.seq - 1 === expectedSeq ? `${expectedSeq} is` : `${expectedSeq} to ${value.seq - 1} are`;
      return broken(expectedSeq, `entry ${missing} missing (deleted), next is ${value.seq}`);
    }
    if (value.seq < expectedSeq) return broken(expectedSeq, `entry ${value.seq} appears where ${expectedSeq} belongs (reordered or duplicated)`);
    if (hashAuditEntry(value) !== value.hash) return broken(value.seq, `entry ${value.seq} does not match its hash (edited)`);
    if (value.prevHash !== expectedPrev) {
      return broken(value.seq, `entry ${value.seq} does not link to the entry before it (inserted, replaced or re-sealed)`);
    }
    expectedSeq = value.seq + 1;
    expectedPrev = value.hash;
  }
  const last = entries.at(-1) as { seq: number; hash: string } | undefined;
  if (options.expectedHeadHash !== undefined && (last?.hash ?? genesisHash) !== options.expectedHeadHash) {
    return {
      ok: false,
      entries: entries.length,
      firstBadSequence: expectedSeq,
      index: entries.length,
      problem: `the last entry's hash is not the expected head ${options.expectedHeadHash} (entries cut from the end, or the chain was rewritten)`,
    };
  }
  return { ok: true, entries: entries.length, ...(last === undefined ? {} : { head: { seq: last.seq, hash: last.hash } }) };
}

function isChained(value: unknown): value is { seq: number; prevHash: string; hash: string } {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return Number.isSafeInteger(entry.seq) && typeof entry.prevHash === 'string' && typeof entry.hash === 'string';
}
