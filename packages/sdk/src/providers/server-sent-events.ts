import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type { EventSourceMessage };

/**
 * Decodes an SSE byte stream into messages (`event`, `data`, `id`) with eventsource-parser.
 * `onActivity` fires on every chunk, comments and pings included, so stall deadlines see a live
 * connection. Leaving the loop early destroys the body, which closes the connection.
 */
export async function* readServerSentEvents(
  body: AsyncIterable<Uint8Array | string>,
  onActivity: () => void,
): AsyncGenerator<EventSourceMessage> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => pending.push(message) });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    onActivity();
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) yield pending.shift()!;
  }
  parser.feed(decoder.decode());
  // A last event without its blank line still counts: some servers end the body right after it.
  parser.reset({ consume: true });
  while (pending.length > 0) yield pending.shift()!;
}
