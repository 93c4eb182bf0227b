import type { z } from 'zod';
import { AgentryError, invokeRequestSchema, type InvokeRequest } from '../contract';

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

/**
 * Checks the body of an invoke or stream request. The common body, `{ "input": ... }` and nothing
 * else, is valid by construction (the schema takes any input and strips nothing from it), so it
 * skips the schema walk; every other body goes through the schema, which gives the same result
 * and the same coded errors as before.
 *
 * @throws AgentryError `AGENTRY_INVALID_REQUEST`, as {@link parseRequestBody}.
 */
export function parseInvokeRequest(body: unknown, route: 'invoke' | 'stream', agent: string): InvokeRequest {
  return hasOnlyInput(body) ? body : parseRequestBody(invokeRequestSchema, body, `${route} ${agent}`);
}

/** A plain object (as JSON.parse makes them) whose one own key is `input`. */
function hasOnlyInput(body: unknown): body is InvokeRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  let keys = 0;
  // JSON.parse objects inherit nothing enumerable, so for-in sees exactly their own keys.
  for (const key in body) {
    if (key !== 'input') return false;
    keys++;
  }
  return keys === 1;
}
