import { AgentryError, toAgentryError, type StreamEvent } from '../contract';
import { lentController, type RuntimeCallWithController } from '../runtime/runtime';
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
 *
 * Bounded by `limits.maxConcurrentStreams` (one more answers 503 `AGENTRY_UNAVAILABLE` with
 * `Retry-After`) and `limits.maxStreamDurationMs` (then the stream ends with an `error` event
 * `AGENTRY_TIMEOUT` and its run is aborted).
 */
export async function streamRoute(server: ServerContext, context: RequestContext, agent: string): Promise<void> {
  const lastEventId = context.request.headers['last-event-id'];
  if (lastEventId !== undefined) return resumeStream(server, context, agent, String(lastEventId));

  if (!server.streams.reserve()) {
    // Refused before the body is read; let it drain so the connection stays usable.
    context.request.resume();
    server.metrics?.streamRefused();
    const limit = server.options.maxConcurrentStreams;
    throw new AgentryError('AGENTRY_UNAVAILABLE', `stream ${agent} refused: this server already runs ${limit} streams (limits.maxConcurrentStreams)`, {
      retryAfterSeconds: streamRetryAfterSeconds,
    });
  }
  let run: { events: AsyncIterator<StreamEvent>; first: StreamEvent; controller: AbortController };
  try {
    run = await startRun(server, context, agent);
  } catch (error) {
    server.streams.release();
    throw error;
  }
  const buffer = server.streams.create(context.tenant, agent);
  buffer.append(run.first);
  void pump(server, run.events, buffer, run.controller, context.requestId);
  openEventStream(context.response, context.requestId);
  await followStream(buffer, context.response, 1, server.options.pingIntervalMs);
}

/** A refused stream asks to come back after this long: streams free their places in seconds, not at once. */
const streamRetryAfterSeconds = 2;

async function startRun(server: ServerContext, context: RequestContext, agent: string) {
  const body = parseInvokeRequest(await readJsonBody(context.request, server.options.maxBodyBytes), 'stream', agent);
  const call: RuntimeCallWithController = runtimeCallFrom(body, agent, context);
  // The server's own controller, so the duration limit can abort the run. A client that leaves
  // does not: the run goes on for its resume.
  const controller = new AbortController();
  call.signal = controller.signal;
  call[lentController] = controller;
  const events = server.runtime.stream(call)[Symbol.asyncIterator]();
  // Until the first event exists nothing is written, so an early failure (unknown agent, invalid
  // input, shutting down) is still an ordinary JSON error with its status.
  const first = await events.next();
  if (first.done === true) throw new AgentryError('AGENTRY_INTERNAL', `stream ${agent}: the runtime ended the stream before its start event`);
  return { events, first: first.value, controller };
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

/**
 * Moves the runtime's events into the buffer until the end; a failure becomes the last, `error`,
 * event. Past `maxStreamDurationMs` the stream ends with `AGENTRY_TIMEOUT` and the run is aborted.
 */
async function pump(server: ServerContext, events: AsyncIterator<StreamEvent>, buffer: StreamBuffer, controller: AbortController, requestId: string): Promise<void> {
  const { maxStreamDurationMs } = server.options;
  const deadline = setTimeout(() => {
    const timeout = new AgentryError('AGENTRY_TIMEOUT', `stream ${buffer.agent} ended: it ran longer than ${maxStreamDurationMs} ms (limits.maxStreamDurationMs)`, {
      hint: 'Ask for less per stream, or have the operator raise `limits.maxStreamDurationMs`.',
      requestId,
    });
    server.metrics?.streamTimedOut();
    buffer.append({ type: 'error', error: errorBody(timeout, requestId) });
    buffer.end();
    controller.abort(timeout);
  }, maxStreamDurationMs);
  deadline.unref();
  try {
    for (;;) {
      const step = await events.next();
      if (step.done === true) break;
      buffer.append(step.value);
    }
  } catch (error) {
    // After the duration limit ended the stream, the aborted run's failure is expected: drop it.
    if (!buffer.done) {
      const failure = toAgentryError(error);
      if (failure.status >= 500) {
        server.options.logger.error('stream failed', { requestId, streamId: buffer.streamId, code: failure.code, error: String(failure.cause ?? failure) });
      }
      buffer.append({ type: 'error', error: errorBody(failure, requestId) });
    }
  } finally {
    clearTimeout(deadline);
    buffer.end();
  }
}
