import type { z } from 'zod';
import { AgentryError } from '../contract';

/**
 * Checks a parsed JSON body against its agentry.v1 schema.
 *
 * @throws AgentryError `AGENTRY_INVALID_REQUEST` with `details: [{ path, message }]`, one per zod issue.
 */
export function parseRequestBody<Schema extends z.ZodType>(schema: Schema, body: unknown, what: string): z.infer<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new AgentryError('AGENTRY_INVALID_REQUEST', `the body of ${what} does not match the agentry.v1 schema`, {
    details: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message })),
    hint: 'Send a JSON object such as { "input": { ... } }; `details` lists each wrong path.',
  });
}
