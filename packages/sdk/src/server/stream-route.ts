import { AgentryError, toAgentryError, type StreamEvent } from '../contract';
import type { TaskPackLogger } from '../core/task-pack';
import { followStream } from './follow-stream';
import { parseInvokeRequest } from './parse-request-body';
import { readJsonBody } from './read-json-body';
import { runtimeCallFrom } from './runtime-call';
import { errorBody } from './send-json';
import type { RequestContext, ServerContext } from './server-context';
import { openEventStream, parseEventId } from './sse-writer';
import type { StreamBuffer } from './stream-buffer';

/**
 * `POST /v1/agents/{agent}/stream`: runs the agent and answers `text/event-stream`. With a
 * `Last-Event-ID` header it resumes an earlier stream of the same tenant and agent instead.
 *
 * The invocation is driven by the server, not by the response: events go to the stream's buffer
 * and the response follows the buffer, so a client that drops can come back for the rest.
 */
export async function streamRoute(server: ServerContext, context: RequestContext, agent: string): Promise<void> {
  const lastEventId = context.request.headers['last-event-id'];
  if (lastEventId !== undefined) return resumeStream(server, context, agent, String(lastEventId));

  const body = parseInvokeRequest(await readJsonBody(context.request, server.options.maxBodyBytes), 'stream', agent);
  const events = server.runtime.stream(runtimeCallFrom(body, agent, context))[Symbol.asyncIterator]();
  // Until the first event exists nothing is written, so an early failure (unknown agent, invalid
  // input, shutting down) is still an ordinary JSON error with its status.
  const first = await events.next();
  if (first.done === true) throw new AgentryError('AGENTRY_INTERNAL', `stream ${agent}: the runtime ended the stream before its start event`);
  const buffer = server.streams.create(context.tenant, agent);
  buffer.append(first.value);
  void pump(events, buffer, context.requestId, server.options.logger);
  openEventStream(context.response, context.requestId);
  await followStream(buffer, context.response, 1, server.options.pingIntervalMs);
}

async function resumeStream(server: ServerContext, context: RequestContext, agent: string, lastEventId: string): Promise<void> {
  // A resume repeats the original request's body; the stream already knows its input.
  context.request.resume();
  const position = parseEventId(lastEventId);
  if (position === undefined) {
    throw new AgentryError('AGENTRY_INVALID_REQUEST', 'Last-Event-ID must be an event id of this server, <streamId>.<number>');
  }
  const buffer = server.streams.find(position.streamId, context.tenant, agent);
  // The client has events up to `seq`; the next one must still be kept.
  if (buffer === undefined || position.seq + 1 < buffer.firstSeq) {
    throw new AgentryError('AGENTRY_STREAM_EXPIRED', `stream ${position.streamId} of ${agent} cannot be resumed: it is unknown or expired`);
  }
  if (position.seq > buffer.lastSeq) {
    throw new AgentryError('AGENTRY_INVALID_REQUEST', `Last-Event-ID names event ${position.seq}, but stream ${position.streamId} has sent ${buffer.lastSeq}`);
  }
  openEventStream(context.response, context.requestId);
  await followStream(buffer, context.response, position.seq + 1, server.options.pingIntervalMs);
}

/** Moves the runtime's events into the buffer until the end; a failure becomes the last, `error`, event. */
async function pump(events: AsyncIterator<StreamEvent>, buffer: StreamBuffer, requestId: string, logger: TaskPackLogger): Promise<void> {
  try {
    for (;;) {
      const step = await events.next();
      if (step.done === true) break;
      buffer.append(step.value);
    }
  } catch (error) {
    const failure = toAgentryError(error);
    if (failure.status >= 500) logger.error('stream failed', { requestId, streamId: buffer.streamId, code: failure.code, error: String(failure.cause ?? failure) });
    buffer.append({ type: 'error', error: errorBody(failure, requestId) });
  } finally {
    buffer.end();
  }
}
