import { canonicalJson } from '../../../core/canonical-json';
import { defineEvaluator, type Evaluator } from '../evaluator';
import { getJsonPath, type JsonPath } from '../json-path';

/** Options of {@link jsonFieldEvaluator}: the field and what it must be. */
export interface JsonFieldOptions {
  /** The field of the output, e.g. `result.status` or `items[0].id`. */
  path: JsonPath;
  /** The field must equal this (deep, key order ignored). */
  equals?: unknown;
  /** The field must equal the same field of the case's expected output (datasets). @default false */
  equalsExpected?: boolean;
  /** The field, as text, must match. */
  matches?: RegExp;
  /** The field must be present (true) or absent (false). @default true when nothing else is asked */
  exists?: boolean;
  /** @default 'json-field:<path>' */
  name?: string;
}

/**
 * Passes when a field of the (JSON) output is present, equals a value, equals the expected
 * output's field, or matches a pattern; every given condition must hold.
 *
 * @example
 * jsonFieldEvaluator({ path: 'sentiment', equals: 'positive' })
 */
export function jsonFieldEvaluator(options: JsonFieldOptions): Evaluator {
  const label = typeof options.path === 'string' ? options.path : options.path.join('.');
  const hasEquals = Object.hasOwn(options, 'equals');
  const exists = options.exists ?? (!hasEquals && !options.equalsExpected && options.matches === undefined ? true : undefined);
  return defineEvaluator(options.name ?? `json-field:${label}`, ({ output, expected }) => {
    const value = getJsonPath(output, options.path);
    const problems: string[] = [];
    if (exists === true && value === undefined) problems.push(`\`${label}\` is missing`);
    if (exists === false && value !== undefined) problems.push(`\`${label}\` is present`);
    if (hasEquals && canonicalJson(value) !== canonicalJson(options.equals)) {
      problems.push(`\`${label}\` is ${canonicalJson(value)}, expected ${canonicalJson(options.equals)}`);
    }
    if (options.equalsExpected) {
      const wanted = getJsonPath(expected, options.path);
      if (canonicalJson(value) !== canonicalJson(wanted)) problems.push(`\`${label}\` is ${canonicalJson(value)}, expected ${canonicalJson(wanted)}`);
    }
    if (options.matches !== undefined && !(typeof value === 'string' || typeof value === 'number') ) problems.push(`\`${label}\` is not text`);
    else if (options.matches !== undefined && !new RegExp(options.matches.source, options.matches.flags.replace('g', '')).test(String(value))) {
      problems.push(`\`${label}\` does not match ${String(options.matches)}`);
    }
    return problems.length === 0 ? { score: 1, pass: true } : { score: 0, pass: false, reason: problems.join('; ') };
  });
}
