import { z } from 'zod';

/** The body of an error, on the wire and in `error` stream events. */
export const errorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string(),
  requestId: z.string().optional(),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Every non-2xx response of agentry.v1: `{ error: { code, message, hint, requestId } }`. */
export const errorEnvelopeSchema = z.object({ error: errorBodySchema });
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
