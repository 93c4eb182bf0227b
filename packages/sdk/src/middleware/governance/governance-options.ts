import { AgentryError } from '../../contract';
import { createAuditTrail, type AuditAppendLog, type AuditTrail } from './audit/audit-trail';
import { compileDenyRules, type CompiledDenyRule, type DenyRule } from './deny-rules';
import type { PiiType } from './pii/pii-detectors';
import { loadPolicy, type PolicyRuleSet } from './policy/load-policy';
import type { PolicyFunction } from './policy/policy';
import type { Tiers } from './tier-access';

/** Options of {@link governanceMiddleware}. */
export interface GovernanceOptions {
  pii?: {
    /** Personal data in the input: replace it, refuse the call (`AGENTRY_FORBIDDEN`), or let it through. @default 'redact' */
    input?: 'redact' | 'refuse' | 'off';
    /** Personal data in streamed text, tool-call arguments and the result output. @default 'redact' */
    output?: 'redact' | 'off';
    /** Personal data in what packs log through `ctx.logger` (messages and fields). @default 'redact' */
    logs?: 'redact' | 'off';
    /** The types to look for. @default every type */
    types?: readonly PiiType[];
    /**
     * Streamed text held back so data split across deltas is caught whole; the caller sees
     * text this many characters late (see createStreamingRedactor). @default 64
     */
    holdBackChars?: number;
  };
  /** Largest input accepted, as UTF-8 JSON bytes; larger ones are refused with `AGENTRY_PAYLOAD_TOO_LARGE`. @default no limit */
  maxInputBytes?: number;
  /** Which agents and tools each tier may use; requires `tenantTier`. Refusals are `AGENTRY_FORBIDDEN_TOOL`. @default no tier checks */
  tiers?: Tiers;
  /**
   * Tier names, lowest first, to compare a tenant's tier with a pack's `capabilities.minTier`.
   * @default the order in which `tiers` lists them
   */
  tierOrder?: readonly string[];
  /** The tier of a tenant. A tenant without a tier, or with one not in `tiers`, may use nothing. */
  tenantTier?: (tenant: string) => string | undefined | Promise<string | undefined>;
  /** Keyword and pattern rules on the input's text; a match is refused with `AGENTRY_FORBIDDEN`. @default [] */
  deny?: readonly DenyRule[];
  /** A policy hook, or a JSON rule set (validated as by `loadPolicy`). @default allow everything */
  policy?: PolicyFunction | PolicyRuleSet;
  /**
   * Where every decision is recorded: an audit trail, or an append log to build one on (log
   * name `audit`). @default no audit records
   */
  audit?: AuditTrail | AuditAppendLog;
  /**
   * When the audit record of an allowed call cannot be written: `fail` ends the call with
   * `AGENTRY_UNAVAILABLE` (no result without a record), `ignore` delivers it anyway. @default 'fail'
   */
  onAuditError?: 'fail' | 'ignore';
}

/** {@link GovernanceOptions} checked, with defaults filled and rules compiled. */
export interface ResolvedGovernanceOptions {
  readonly piiInput: 'redact' | 'refuse' | 'off';
  readonly piiOutput: 'redact' | 'off';
  readonly piiLogs: 'redact' | 'off';
  readonly piiTypes: readonly PiiType[] | undefined;
  readonly holdBackChars: number;
  readonly maxInputBytes: number | undefined;
  readonly tiers: Tiers | undefined;
  /** Tier names, lowest first (empty without `tiers`). */
  readonly tierOrder: readonly string[];
  readonly tenantTier: ((tenant: string) => string | undefined | Promise<string | undefined>) | undefined;
  readonly deny: readonly CompiledDenyRule[];
  readonly policy: PolicyFunction | undefined;
  readonly audit: AuditTrail | undefined;
  readonly onAuditError: 'fail' | 'ignore';
}

/** Checks and normalises governance options once. @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the field. */
export function resolveGovernanceOptions(options: GovernanceOptions): ResolvedGovernanceOptions {
  const pii = options.pii ?? {};
  const piiInput = oneOf('pii.input', pii.input, ['redact', 'refuse', 'off'] as const, 'redact');
  const piiOutput = oneOf('pii.output', pii.output, ['redact', 'off'] as const, 'redact');
  const piiLogs = oneOf('pii.logs', pii.logs, ['redact', 'off'] as const, 'redact');
  const holdBackChars = pii.holdBackChars ?? 64;
  if (!Number.isSafeInteger(holdBackChars) || holdBackChars < 1) throw invalid('pii.holdBackChars', 'must be a positive integer');
  const { maxInputBytes, tiers, tenantTier } = options;
  if (maxInputBytes !== undefined && !(Number.isSafeInteger(maxInputBytes) && maxInputBytes > 0)) {
    throw invalid('maxInputBytes', 'must be a positive integer');
  }
  if (tiers !== undefined) {
    if (typeof tiers !== 'object' || tiers === null) throw invalid('tiers', 'must be an object of tier name to { agents?, tools? }');
    for (const [name, access] of Object.entries(tiers)) {
      for (const kind of ['agents', 'tools'] as const) {
        const list = (access as Record<string, unknown> | null)?.[kind];
        if (list !== undefined && !(Array.isArray(list) && list.every((item) => typeof item === 'string'))) {
          throw invalid(`tiers.${name}.${kind}`, 'must be a list of names or * globs');
        }
      }
    }
    if (typeof tenantTier !== 'function') throw invalid('tenantTier', 'is required with `tiers`: a function from tenant to tier name');
  }
  if (tenantTier !== undefined && typeof tenantTier !== 'function') throw invalid('tenantTier', 'must be a function');
  const tierOrder = options.tierOrder ?? (tiers === undefined ? [] : Object.keys(tiers));
  if (!Array.isArray(tierOrder) || !tierOrder.every((name) => typeof name === 'string')) throw invalid('tierOrder', 'must be a list of tier names, lowest first');
  if (tiers !== undefined) {
    const unranked = Object.keys(tiers).find((name) => !tierOrder.includes(name));
    if (unranked !== undefined) throw invalid('tierOrder', `must rank every tier of \`tiers\`; "${unranked}" is missing`);
  }
  const policy = options.policy === undefined ? undefined : typeof options.policy === 'function' ? options.policy : loadPolicy(options.policy);
  const audit = options.audit === undefined ? undefined : 'record' in options.audit ? options.audit : createAuditTrail({ log: options.audit });
  return {
    piiInput,
    piiOutput,
    piiLogs,
    piiTypes: pii.types,
    holdBackChars,
    maxInputBytes,
    tiers,
    tierOrder,
    tenantTier,
    deny: compileDenyRules(options.deny ?? []),
    policy,
    audit,
    onAuditError: oneOf('onAuditError', options.onAuditError, ['fail', 'ignore'] as const, 'fail'),
  };
}

function oneOf<const T extends string>(field: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw invalid(field, `must be one of ${allowed.map((item) => `'${item}'`).join(', ')}`);
  return value;
}

function invalid(field: string, problem: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', `governanceMiddleware: \`${field}\` ${problem}`);
}
