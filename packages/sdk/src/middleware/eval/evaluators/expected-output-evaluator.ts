import { canonicalJson } from '../../../core/canonical-json';
import { defineEvaluator, type Evaluator } from '../evaluator';

/** Options of {@link expectedOutputEvaluator}. */
export interface ExpectedOutputOptions {
  /**
   * `equal`: the output equals the expected value. `subset`: every field given in the expected
   * value is equal in the output (extra output fields are fine). @default 'subset'
   */
  mode?: 'equal' | 'subset';
  /** @default 'expected' */
  name?: string;
}

/**
 * Compares the output with the case's `expected` output (datasets; `agentry eval`). Without an
 * expected value it reports an error, since there is nothing to compare.
 *
 * @example
 * expectedOutputEvaluator({ mode: 'equal' })
 */
export function expectedOutputEvaluator(options: ExpectedOutputOptions = {}): Evaluator {
  const mode = options.mode ?? 'subset';
  return defineEvaluator(options.name ?? 'expected', ({ output, expected }) => {
    if (expected === undefined) throw new Error('the case has no `expected` output to compare with');
    const difference = mode === 'equal' ? (canonicalJson(output) === canonicalJson(expected) ? undefined : '(root)') : firstDifference(output, expected, '');
    return difference === undefined
      ? { score: 1, pass: true }
      : { score: 0, pass: false, reason: `differs at \`${difference || '(root)'}\`` };
  });
}

/** The path of the first field of `expected` that `actual` does not match, or undefined. */
function firstDifference(actual: unknown, expected: unknown, path: string): string | undefined {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return path;
    for (const [key, value] of Object.entries(expected)) {
      const found = firstDifference((actual as Record<string, unknown>)[key], value, path === '' ? key : `${path}.${key}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return canonicalJson(actual) === canonicalJson(expected) ? undefined : path;
}
