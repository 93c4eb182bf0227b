import { AgentryError } from '../../contract';
import { matchesNamePattern } from './name-pattern';

/** A rule that refuses inputs containing a keyword or matching a pattern. */
export interface DenyRule {
  /** Named in the refusal and the audit record. @default `deny[<index>]` */
  id?: string;
  /** A keyword (whole word, any case) or a regular expression tested on the input's text. */
  match: string | RegExp;
  /** Agent ids (or `*` globs) the rule applies to. @default every agent */
  agents?: readonly string[];
  /** Told to the caller; never echo the matched text here. @default 'the input matches a denied pattern' */
  reason?: string;
}

/** A deny rule ready to test. */
export interface CompiledDenyRule {
  readonly id: string;
  readonly reason: string;
  readonly agents: readonly string[] | undefined;
  test(text: string): boolean;
}

/** Validates and compiles deny rules. @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the bad rule field. */
export function compileDenyRules(rules: readonly DenyRule[]): CompiledDenyRule[] {
  return rules.map((rule, index) => {
    const where = `governanceMiddleware: \`deny[${index}]`;
    if (typeof rule !== 'object' || rule === null) throw invalid(`${where}\` must be an object`);
    const { match } = rule;
    let regex: RegExp;
    if (match instanceof RegExp) {
      // A copy without g/y, so test() keeps no position between calls.
      regex = new RegExp(match.source, match.flags.replace(/[gy]/g, ''));
    } else if (typeof match === 'string' && match.trim() !== '') {
      regex = new RegExp(`(?<![\\p{L}\\p{N}_])${match.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}_])`, 'iu');
    } else {
      throw invalid(`${where}.match\` must be a non-empty keyword or a RegExp`);
    }
    if (rule.agents !== undefined && !(Array.isArray(rule.agents) && rule.agents.every((agent) => typeof agent === 'string'))) {
      throw invalid(`${where}.agents\` must be a list of agent ids`);
    }
    return {
      id: rule.id ?? `deny[${index}]`,
      reason: rule.reason ?? 'the input matches a denied pattern',
      agents: rule.agents,
      test: (text: string) => regex.test(text),
    };
  });
}

/** The first rule that applies to `agent` and matches `text`. */
export function findDenyRule(rules: readonly CompiledDenyRule[], agent: string, text: string): CompiledDenyRule | undefined {
  return rules.find((rule) => matchesNamePattern(rule.agents, agent) && rule.test(text));
}

function invalid(message: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', message);
}
