import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { StreamEvent } from '../../contract';
import { checkStreamEvent, streamProtocolError } from './stream-event-check';

type ErrorEvent = Extract<StreamEvent, { type: 'error' }>;

/**
 * Reads the SSE bytes of an agentry.v1 stream into typed events, chunk by chunk, and keeps the
 * stream's resume position across the responses of one call (a resume after a broken connection).
 */
export interface SseEventReader {
  /**
   * Decodes one network chunk. Returns how many events the chunk completed; those the caller has
   * not had yet are collected for {@link SseEventReader.takeEvents}: an event whose sequence
   * number is not past the last one collected (replayed on resume) is dropped, and so is every
   * event after the stream's `result` or `error`.
   *
   * @throws AgentryError `AGENTRY_PROTOCOL_ERROR` when an event of the chunk is not JSON, has an
   * unknown type, or is a malformed `result` or `error` event; the chunk's events are then not
   * all collected, and the reader must not be fed again.
   */
  feed(chunk: Uint8Array | string): number;
  /** Decodes what the last chunk left over (an incomplete character); returns the events that completed. @throws as {@link SseEventReader.feed} */
  end(): number;
  /** The events collected since the last call, in stream order (without the `error` event, see {@link SseEventReader.errorEvent}); the caller owns the array. */
  takeEvents(): readonly StreamEvent[];
  /** Starts reading the next response of the same stream: the resume position and the end of the stream are kept. */
  restart(): void;
  /** The id of the last event collected, which a resume sends as Last-Event-ID; undefined while none had an id. */
  readonly lastId: string | undefined;
  /** True once the stream's `result` was collected. */
  readonly resultSeen: boolean;
  /** The `error` event that ended the stream, once it came. */
  readonly errorEvent: ErrorEvent | undefined;
}

/**
 * Creates the reader of one streamed call. eventsource-parser reads the SSE; per event this adds
 * a JSON parse, a type check, the sequence number read off the id's last digits and an array
 * push, and nothing else (no slice, object or promise): streams carry hundreds of events. Only
 * the type is checked per event; the `result` and `error` events, which carry what the caller
 * keeps, are validated in full.
 */
export function createSseEventReader(label: string): SseEventReader {
  return new AgentryEventReader(label);
}

const DOT = 46;
const streamed: TextDecodeOptions = { stream: true };
const noEvents: readonly StreamEvent[] = Object.freeze([]);

class AgentryEventReader implements SseEventReader {
  resultSeen = false;
  errorEvent: ErrorEvent | undefined = undefined;
  lastId: string | undefined = undefined;
  private readonly label: string;
  private readonly parser: EventSourceParser;
  private events: StreamEvent[] = [];
  private completed = 0;
  /** The stream's `result` or `error` was collected: later events are dropped. */
  private ended = false;
  /** The sequence number of the last event collected (see {@link sequenceOf}). */
  private lastSeq = 0;
  // eventsource-parser takes text. A chunk that starts and ends on a character boundary (the
  // usual SSE chunk ends with a line feed) is decoded in one go; only one that does not needs the
  // streaming decoder, which carries the cut character over. The parser drops a leading
  // byte-order mark itself, so the decoder keeps them: the first chunk it sees may be mid-stream.
  private decoder: TextDecoder | undefined = undefined;
  /** The last chunk ended inside (or possibly inside) a character: the next one goes through `decoder`. */
  private decoderBusy = false;

  constructor(label: string) {
    this.label = label;
    this.parser = createParser({ onEvent: (message) => this.collect(message.data, message.id) });
  }

  feed(chunk: Uint8Array | string): number {
    this.parser.feed(typeof chunk === 'string' ? chunk : this.decode(chunk));
    return this.settle();
  }

  end(): number {
    if (this.decoderBusy) {
      this.decoderBusy = false;
      this.parser.feed(this.decoder!.decode());
    }
    return this.settle();
  }

  takeEvents(): readonly StreamEvent[] {
    const events = this.events;
    if (events.length === 0) return noEvents;
    this.events = [];
    return events;
  }

  restart(): void {
    this.parser.reset();
    this.decoder = undefined;
    this.decoderBusy = false;
  }

  private settle(): number {
    const completed = this.completed;
    this.completed = 0;
    return completed;
  }

  private decode(chunk: Uint8Array): string {
    if (chunk.length === 0) return '';
    // A last byte below 0x80 is ASCII, which ends any character: nothing is carried over.
    const endsWhole = chunk[chunk.length - 1]! < 0x80;
    if (!this.decoderBusy && endsWhole) return asciiEndedText(chunk);
    this.decoderBusy = !endsWhole;
    this.decoder ??= new TextDecoder('utf-8', { ignoreBOM: true });
    return this.decoder.decode(chunk, streamed);
  }

  /** eventsource-parser's onEvent: one whole event. */
  private collect(data: string, id: string | undefined): void {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch (error) {
      throw streamProtocolError(this.label, `event ${id ?? '?'} is not JSON`, error);
    }
    this.completed++;
    // Text deltas are nearly every event: one comparison, then straight on.
    if ((value as { type?: unknown } | null)?.type !== 'text-delta') {
      this.collectOther(checkStreamEvent(value, this.label), id);
      return;
    }
    // Nothing after the last event counts (its id neither).
    if (this.ended) return;
    if (id !== undefined && !this.advance(id)) return;
    this.events.push(value as StreamEvent);
  }

  /** An event other than a text delta, checked. */
  private collectOther(event: StreamEvent, id: string | undefined): void {
    if (this.ended) return;
    if (id !== undefined && !this.advance(id)) return;
    if (event.type === 'error') {
      this.errorEvent = event;
      this.ended = true;
      return;
    }
    this.events.push(event);
    if (event.type === 'result') {
      this.resultSeen = true;
      this.ended = true;
    }
  }

  /** Moves the resume position to the event with this id; false when the event was collected already (replayed on resume). */
  private advance(id: string): boolean {
    const seq = sequenceOf(id);
    // An id without a sequence number leaves the resume position where it was.
    if (seq === undefined) return true;
    if (seq <= this.lastSeq) return false;
    this.lastSeq = seq;
    this.lastId = id;
    return true;
  }
}

/**
 * The text of a chunk that ends on a character boundary. Buffer's own UTF-8 decoding when it is
 * one (undici's chunks are), a one-shot decoder otherwise; either replaces invalid bytes as the
 * streaming decoder does.
 */
function asciiEndedText(chunk: Uint8Array): string {
  return typeof Buffer === 'function' && Buffer.isBuffer(chunk) ? chunk.toString('utf8') : wholeDecoder.decode(chunk);
}

const wholeDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The sequence number of an id (`<streamId>.<seq>`): `Number()` of the text after its last `.`,
 * undefined when that is not a safe integer (such an event is collected, but does not move the
 * resume position). The usual 1 to 15 digits are read from the end, with no slice; anything else
 * takes Number() itself.
 */
function sequenceOf(id: string): number | undefined {
  let at = id.length - 1;
  let code = id.charCodeAt(at);
  if (code >= 48 && code <= 57) {
    let seq = code - 48;
    let scale = 10;
    while (--at >= 0) {
      code = id.charCodeAt(at);
      if (code < 48 || code > 57) break;
      seq += (code - 48) * scale;
      scale *= 10;
    }
    if (id.length - at <= 16 && (at < 0 || code === DOT)) return seq;
  }
  const slow = Number(id.slice(id.lastIndexOf('.') + 1));
  return Number.isSafeInteger(slow) ? slow : undefined;
}
