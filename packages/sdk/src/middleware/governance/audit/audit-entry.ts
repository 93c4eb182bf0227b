import { createHash } from 'node:crypto';
import type { ErrorCode } from '../../../contract';
import { canonicalJson } from '../../../core/canonical-json';
import type { InvocationMode } from '../../../core/invocation';
import type { PiiCounts } from '../pii/redact-pii';

/** Which check made a governance decision. */
export type AuditStage = 'size' | 'tier' | 'deny' | 'policy' | 'pii' | 'tool' | 'audit';

/**
 * One governance decision. Holds ids, the decision, codes and counts of redactions, never the
 * input, the output or the personal data that was redacted.
 */
export interface AuditRecord {
  readonly requestId: string;
  readonly invocationId: string;
  readonly tenant: string;
  readonly subject?: string;
  readonly agent: string;
  readonly version: string;
  readonly mode: InvocationMode;
  readonly tier?: string;
  /** Whether governance let the call run. */
  readonly decision: 'allow' | 'refuse';
  /** How the call ended: refused by governance, or after running. */
  readonly outcome: 'refused' | 'succeeded' | 'failed' | 'cancelled';
  /** The refusal's code, or the error code a failed call ended with. */
  readonly code?: ErrorCode;
  /** The check that refused. */
  readonly stage?: AuditStage;
  /** The deny or policy rule that decided. */
  readonly rule?: string;
  /** Why, in words free of personal data. */
  readonly reason?: string;
  /** Findings replaced, by type. */
  readonly redactions?: { readonly input?: PiiCounts; readonly output?: PiiCounts };
}

/** An {@link AuditRecord} sealed into the hash chain. */
export interface AuditEntry extends AuditRecord {
  /** Position in the chain, from 1, without gaps. */
  readonly seq: number;
  /** When the entry was written (ISO 8601). */
  readonly at: string;
  /** `hash` of the entry before, or {@link genesisHash} for the first. */
  readonly prevHash: string;
  /** SHA-256 (hex) of the canonical JSON of this entry without `hash`. */
  readonly hash: string;
}

/** The `prevHash` of the first entry of a chain. */
export const genesisHash = '0'.repeat(64);

/** SHA-256 (hex) of an entry's canonical JSON, leaving out its own `hash` field. */
export function hashAuditEntry(entry: object): string {
  const { hash: _hash, ...content } = entry as { hash?: unknown };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** Seals a record into the chain after the entry whose hash is `prevHash`. */
export function sealAuditEntry(record: AuditRecord, seq: number, prevHash: string, at: string): AuditEntry {
  const unsealed = { ...record, seq, at, prevHash };
  return { ...unsealed, hash: hashAuditEntry(unsealed) };
}
