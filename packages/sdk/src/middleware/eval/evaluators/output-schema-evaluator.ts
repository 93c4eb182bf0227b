import type { z } from 'zod';
import { defineEvaluator, type Evaluator } from '../evaluator';

/**
 * Passes when the output matches a zod schema (stricter than, or different from, the pack's own).
 *
 * @example
 * outputSchemaEvaluator(z.object({ summary: z.string().max(280) }))
 */
export function outputSchemaEvaluator(schema: z.ZodType, options: { name?: string } = {}): Evaluator {
  return defineEvaluator(options.name ?? 'output-schema', ({ output }) => {
    const parsed = schema.safeParse(output);
    if (parsed.success) return { score: 1, pass: true };
    const issues = parsed.error.issues.slice(0, 3).map((issue) => `\`${issue.path.join('.') || '(root)'}\` ${issue.message}`);
    return { score: 0, pass: false, reason: issues.join('; ') };
  });
}
