import { z } from 'zod';
import { AgentryError, errorCodes } from '../../../contract';
import { matchesNamePattern } from '../name-pattern';
import type { PolicyDecision, PolicyFunction } from './policy';

const names = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const pattern = z.string().min(1).refine(
  (source) => {
    try {
      new RegExp(source, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

/** One rule of a JSON policy: when every condition of `when` holds, `effect` applies. */
export const policyRuleSchema = z.strictObject({
  /** Named in refusals and audit records. */
  id: z.string().min(1).optional(),
  when: z.strictObject({
    /** Agent ids or `*` globs. */
    agent: names.optional(),
    /** Tenant ids or `*` globs. */
    tenant: names.optional(),
    /** Tier names or `*` globs. */
    tier: names.optional(),
    /** A regular expression (case-insensitive) tested on the input's text. */
    inputMatches: pattern.optional(),
  }),
  effect: z.enum({ deny: 'deny', allow: 'allow', redact: 'redact' }),
  /** Told to the caller when the rule denies. */
  reason: z.string().min(1).optional(),
  /** Code of the refusal when the rule denies. @default 'AGENTRY_FORBIDDEN' */
  code: z.enum(errorCodes).optional(),
});

/** A JSON policy: rules tried in order, the first match decides; `default` when none matches. */
export const policyRuleSetSchema = z.strictObject({
  version: z.literal(1).optional(),
  /** @default 'allow' */
  default: z.enum({ allow: 'allow', deny: 'deny' }).optional(),
  rules: z.array(policyRuleSchema),
});

/** A JSON policy as written. */
export type PolicyRuleSet = z.input<typeof policyRuleSetSchema>;

/**
 * Validates a JSON policy (text or parsed) and compiles it into a {@link PolicyFunction}.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the first bad field, e.g. `rules[1].effect`.
 * @example
 * const policy = loadPolicy({ rules: [{ id: 'no-free-export', when: { tier: 'free', agent: 'export-*' }, effect: 'deny', reason: 'export needs pro' }] });
 */
export function loadPolicy(json: string | unknown): PolicyFunction {
  let parsed: unknown = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new AgentryError('AGENTRY_INVALID_OPTIONS', `policy is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  const result = policyRuleSetSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`)).join('');
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `policy field \`${field || '(root)'}\`: ${issue.message}`, {
      hint: 'A policy is { default?: "allow" | "deny", rules: [{ id?, when: { agent?, tenant?, tier?, inputMatches? }, effect: "deny" | "allow" | "redact", reason?, code? }] }.',
      details: result.error.issues.map((item) => ({ path: item.path.join('.'), message: item.message })),
    });
  }
  const set = result.data;
  const rules = set.rules.map((rule, index) => ({
    ...rule,
    name: rule.id ?? `rules[${index}]`,
    regex: rule.when.inputMatches === undefined ? undefined : new RegExp(rule.when.inputMatches, 'i'),
    agents: list(rule.when.agent),
    tenants: list(rule.when.tenant),
    tiers: list(rule.when.tier),
  }));
  return (invocation, context): PolicyDecision => {
    for (const rule of rules) {
      if (!matchesNamePattern(rule.agents, invocation.agent) || !matchesNamePattern(rule.tenants, invocation.tenant)) continue;
      if (rule.tiers !== undefined && (context.tier === undefined || !matchesNamePattern(rule.tiers, context.tier))) continue;
      if (rule.regex !== undefined && !rule.regex.test(context.inputText)) continue;
      if (rule.effect === 'deny') {
        return { allow: false, reason: rule.reason ?? `denied by policy rule ${rule.name}`, rule: rule.name, ...(rule.code === undefined ? {} : { code: rule.code }) };
      }
      return { allow: true, rule: rule.name, ...(rule.effect === 'redact' ? { redact: true } : {}) };
    }
    return set.default === 'deny' ? { allow: false, reason: 'no policy rule allows this call', rule: 'default' } : { allow: true };
  };
}

function list(value: string | readonly string[] | undefined): readonly string[] | undefined {
  return value === undefined ? undefined : typeof value === 'string' ? [value] : value;
}
