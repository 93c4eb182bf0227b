import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { AgentryError, streamEventSchema, streamEventTypes, type StreamEvent } from '../../contract';

const knownTypes = new Set<string>(streamEventTypes);

/** One parsed SSE event of an agentry.v1 stream. */
export interface WireEvent {
  /** `<streamId>.<seq>` */
  id: string | undefined;
  event: StreamEvent;
}

/**
 * Decodes an SSE byte stream into typed events, one batch per network chunk (so the per-event
 * cost is a parse, not an async step). Only the type is checked per event; the `result` and
 * `error` events, which carry what the caller keeps, are validated in full. `onActivity` fires
 * on every chunk, comments (keep-alive pings) included.
 */
export async function* readSseEvents(
  body: AsyncIterable<Uint8Array | string>,
  label: string,
  onActivity: () => void,
): AsyncGenerator<WireEvent[]> {
  let pending: WireEvent[] = [];
  let failure: AgentryError | undefined;
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      if (failure) return;
      try {
        pending.push({ id: message.id, event: decode(message, label) });
      } catch (error) {
        failure = error as AgentryError;
      }
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    onActivity();
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (failure) throw failure;
    if (pending.length > 0) {
      const batch = pending;
      pending = [];
      yield batch;
    }
  }
  parser.feed(decoder.decode());
  if (failure) throw failure;
  if (pending.length > 0) yield pending;
}

function decode(message: EventSourceMessage, label: string): StreamEvent {
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch (error) {
    throw protocol(label, `event ${message.id ?? '?'} is not JSON`, error);
  }
  const type = (data as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !knownTypes.has(type)) throw protocol(label, `unknown event type ${JSON.stringify(type)}`);
  if (type === 'result' || type === 'error') {
    const parsed = streamEventSchema.safeParse(data);
    if (!parsed.success) throw protocol(label, `malformed ${type} event: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }
  return data as StreamEvent;
}

function protocol(label: string, reason: string, cause?: unknown): AgentryError {
  return new AgentryError('AGENTRY_PROTOCOL_ERROR', `${label}: ${reason}`, { cause });
}
