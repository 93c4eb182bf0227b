import { z } from 'zod';

/**
 * Converts a zod schema to the JSON Schema (draft 2020-12) published in manifests. `io` picks the
 * side of transforms and defaults: `input` describes what callers may send, `output` what they get.
 *
 * @throws Error when the schema has no JSON Schema form (a transform's output, a function, a bigint).
 */
export function zodToJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as Record<string, unknown>;
}

/** True when a JSON Schema describes a JSON object at its top level, as MCP tools and the wire protocol need. */
export function isObjectJsonSchema(schema: Record<string, unknown>): boolean {
  return schema.type === 'object';
}
