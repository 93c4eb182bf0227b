import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { StreamEvent } from '../contract';

/** A comment line: keeps proxies and load balancers from closing an idle stream. */
export const pingFrame = ': ping\n\n';

/**
 * One SSE event: `id: <streamId>.<seq>`, `event: <type>`, `data: <event JSON>`. JSON never holds a
 * raw line break, so the data fits on one line.
 */
export function formatEventFrame(streamId: string, seq: number, event: StreamEvent): string {
  return `id: ${streamId}.${seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Starts a `text/event-stream` response that no proxy should buffer or cache. */
export function openEventStream(response: ServerResponse, requestId: string, headers?: OutgoingHttpHeaders): void {
  response.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    'x-request-id': requestId,
  });
}

/** Splits `Last-Event-ID: <streamId>.<seq>`; undefined when the value has another shape. */
export function parseEventId(value: string): { streamId: string; seq: number } | undefined {
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const seqText = value.slice(dot + 1);
  const seq = Number(seqText);
  if (seqText.length === 0 || seqText.length > 15 || !Number.isSafeInteger(seq) || seq < 0 || String(seq) !== seqText) return undefined;
  return { streamId: value.slice(0, dot), seq };
}
