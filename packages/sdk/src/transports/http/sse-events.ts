import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { AgentryError, streamEventSchema, streamEventTypes, type StreamEvent } from '../../contract';
import { checkInvokeResult } from './invoke-result-check';

const knownTypes = new Set<string>(streamEventTypes);

/** Receives each event of an agentry.v1 stream, in order, with its SSE id (`<streamId>.<seq>`). */
export type SseEventHandler = (id: string | undefined, event: StreamEvent) => void;

/** Decodes the bytes of an agentry.v1 SSE stream, chunk by chunk. */
export interface SseEventReader {
  /**
   * Decodes one network chunk and hands each complete event to the handler, before returning.
   * Returns how many events the chunk completed.
   *
   * @throws AgentryError `AGENTRY_PROTOCOL_ERROR` when an event of the chunk is not JSON, has an
   * unknown type, or is a malformed `result` or `error` event; the chunk's events are then not
   * all handed over, and the reader must not be fed again.
   */
  feed(chunk: Uint8Array | string): number;
  /** Decodes what the last chunk left over (an incomplete character); returns the events that completed. @throws as {@link SseEventReader.feed} */
  end(): number;
}

/**
 * Creates a reader that turns SSE bytes into typed events. Per event the cost is a JSON parse, a
 * type check and a call (no object, promise or async step): streams carry hundreds of events.
 * Only the type is checked per event; the `result` and `error` events, which carry what the
 * caller keeps, are validated in full.
 */
export function createSseEventReader(label: string, onEvent: SseEventHandler): SseEventReader {
  let failure: AgentryError | undefined;
  let count = 0;
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      // After a bad event the chunk's later events are skipped, and the whole chunk fails.
      if (failure !== undefined) return;
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch (error) {
        failure = protocol(label, `event ${message.id ?? '?'} is not JSON`, error);
        return;
      }
      // Text deltas are nearly every event: one comparison, then straight to the handler.
      if ((data as { type?: unknown } | null)?.type !== 'text-delta') {
        try {
          data = checkEvent(data, label);
        } catch (error) {
          failure = error as AgentryError;
          return;
        }
      }
      count++;
      onEvent(message.id, data as StreamEvent);
    },
  });
  const decoder = new TextDecoder();
  const settle = (): number => {
    if (failure) throw failure;
    const completed = count;
    count = 0;
    return completed;
  };
  return {
    feed(chunk) {
      parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      return settle();
    },
    end() {
      parser.feed(decoder.decode());
      return settle();
    },
  };
}

/** Checks a parsed event other than a text delta: a known type; `result` and `error` in full. */
function checkEvent(data: unknown, label: string): StreamEvent {
  const type = (data as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !knownTypes.has(type)) throw protocol(label, `unknown event type ${JSON.stringify(type)}`);
  if (type === 'result') {
    // The usual, well-formed result skips zod (see invoke-result-check); anything else goes to zod.
    const result = isResultEnvelope(data) ? checkInvokeResult(data.result) : undefined;
    if (result !== undefined) return { type: 'result', result };
  }
  if (type === 'result' || type === 'error') {
    const parsed = streamEventSchema.safeParse(data);
    if (!parsed.success) throw protocol(label, `malformed ${type} event: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }
  return data as StreamEvent;
}

/** `{ type, result }` and nothing else, as `resultEventSchema` keeps. */
function isResultEnvelope(data: unknown): data is { type: 'result'; result: unknown } {
  let keys = 0;
  for (const key in data as object) {
    if (key !== 'type' && key !== 'result') return false;
    keys++;
  }
  return keys === 2 && Object.getPrototypeOf(data) === Object.prototype;
}

function protocol(label: string, reason: string, cause?: unknown): AgentryError {
  return new AgentryError('AGENTRY_PROTOCOL_ERROR', `${label}: ${reason}`, { cause });
}
