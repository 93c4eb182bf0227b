import { defineEvaluator, type Evaluator } from '../evaluator';
import { getJsonPath, textOf, type JsonPath } from '../json-path';

/** Options of {@link containsEvaluator}. */
export interface ContainsOptions {
  /** Look at this field of the output instead of the whole output. */
  path?: JsonPath;
  /** Compare strings case-insensitively. @default false */
  ignoreCase?: boolean;
  /** Pass when all expectations match, or any. @default 'all' */
  mode?: 'all' | 'any';
  /** @default 'contains' */
  name?: string;
}

/**
 * Passes when the output text (a string output, or its JSON) contains each string or matches each
 * pattern. The score is the fraction that matched.
 *
 * @example
 * containsEvaluator(['refund', /order #\d+/], { path: 'answer' })
 */
export function containsEvaluator(expected: string | RegExp | readonly (string | RegExp)[], options: ContainsOptions = {}): Evaluator {
  const needles = Array.isArray(expected) ? [...(expected as readonly (string | RegExp)[])] : [expected as string | RegExp];
  const mode = options.mode ?? 'all';
  const ignoreCase = options.ignoreCase === true;
  // Prepared once: what is searched for in each call (lower-cased strings, patterns without `g`).
  const searches = needles.map((needle) =>
    typeof needle === 'string' ? (ignoreCase ? needle.toLowerCase() : needle) : new RegExp(needle.source, needle.flags.replace('g', '')),
  );
  return defineEvaluator(options.name ?? 'contains', ({ output }) => {
    const text = textOf(options.path === undefined ? output : getJsonPath(output, options.path));
    const haystack = ignoreCase ? text.toLowerCase() : text;
    let missing: (string | RegExp)[] | undefined;
    for (let index = 0; index < searches.length; index++) {
      const search = searches[index]!;
      let found: boolean;
      if (typeof search === 'string') found = haystack.includes(search);
      else {
        // A sticky pattern carries its position between tests; each test starts from the top.
        search.lastIndex = 0;
        found = search.test(text);
      }
      if (!found) (missing ??= []).push(needles[index]!);
    }
    const missed = missing?.length ?? 0;
    const matched = needles.length - missed;
    const score = needles.length === 0 ? 1 : matched / needles.length;
    const pass = mode === 'all' ? missed === 0 : matched > 0;
    if (missing === undefined) return { score, pass };
    return { score, pass, reason: `missing ${missing.map((needle) => (typeof needle === 'string' ? JSON.stringify(needle) : String(needle))).join(', ')}` };
  });
}

/**
 * Passes when the output text matches a regular expression.
 *
 * @example
 * regexEvaluator(/^\{.*\}$/s)
 */
export function regexEvaluator(pattern: RegExp | string, options: Omit<ContainsOptions, 'mode' | 'ignoreCase'> = {}): Evaluator {
  return containsEvaluator(typeof pattern === 'string' ? new RegExp(pattern) : pattern, { name: 'regex', ...options });
}
