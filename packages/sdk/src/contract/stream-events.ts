import { z } from 'zod';
import { errorBodySchema } from './error-envelope';
import { evalScoreSchema, invokeResultSchema } from './invocation';
import { usageSchema } from './usage';

/** First event of every stream: which invocation this is. */
export const startEventSchema = z.object({
  type: z.literal('start'),
  id: z.string(),
  agent: z.string(),
  version: z.string(),
  requestId: z.string(),
});
/** A piece of generated text. */
export const textDeltaEventSchema = z.object({ type: z.literal('text-delta'), text: z.string() });
/** The agent called a tool. */
export const toolCallEventSchema = z.object({
  type: z.literal('tool-call'),
  toolCallId: z.string(),
  name: z.string(),
  args: z.unknown(),
});
/** Usage so far, or final usage just before `result`. */
export const usageEventSchema = z.object({ type: z.literal('usage'), usage: usageSchema });
/** One evaluator's verdict. */
export const evalEventSchema = z.object({ type: z.literal('eval'), eval: evalScoreSchema });
/** Something the caller should know that did not stop the call (e.g. a budget's soft limit). */
export const warningEventSchema = z.object({ type: z.literal('warning'), code: z.string(), message: z.string() });
/** Last event of a successful stream: the full result. */
export const resultEventSchema = z.object({ type: z.literal('result'), result: invokeResultSchema });
/** Last event of a failed stream. */
export const errorEventSchema = z.object({ type: z.literal('error'), error: errorBodySchema });

/** Every event of an agentry.v1 stream. On the wire each is an SSE event named by `type` with an `id`. */
export const streamEventSchema = z.discriminatedUnion('type', [
  startEventSchema,
  textDeltaEventSchema,
  toolCallEventSchema,
  usageEventSchema,
  evalEventSchema,
  warningEventSchema,
  resultEventSchema,
  errorEventSchema,
]);
export type StreamEvent = z.infer<typeof streamEventSchema>;
export type StreamEventType = StreamEvent['type'];
/** Narrows the union to one event type. */
export type StreamEventOf<T extends StreamEventType> = Extract<StreamEvent, { type: T }>;

/** The names of all stream event types, in protocol order. */
export const streamEventTypes = [
  'start',
  'text-delta',
  'tool-call',
  'usage',
  'eval',
  'warning',
  'result',
  'error',
] as const satisfies readonly StreamEventType[];
