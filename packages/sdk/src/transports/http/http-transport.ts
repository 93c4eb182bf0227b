import { getGlobalDispatcher, type Dispatcher } from 'undici';
import {
  AgentryError,
  agentListSchema,
  agentryErrorFromWire,
  invokeResultSchema,
  jobSchema,
  toAgentryError,
  type AgentManifest,
  type InvokeResult,
  type Job,
  type StreamEvent,
} from '../../contract';
import { backoffDelay, sleep } from '../../core/backoff';
import { onAbort } from '../../core/linked-abort';
import type { ClientTransport, TransportCall, TransportJobCall } from '../transport';
import { sendBuffered } from './buffered-request';
import { createCallDeadlines, type AttemptAbort, type StopSource } from './call-deadlines';
import { resolveHttpTransportOptions, type HttpTransportOptions } from './http-transport-options';
import { checkInvokeResult } from './invoke-result-check';
import { errorFromResponse, isConnectionError } from './response-error';
import { createSseEventReader } from './sse-events';
import { createStallWatch } from './stall-watch';
import { sendStreamed, type StreamedRequest } from './streamed-request';

type Method = 'GET' | 'POST' | 'DELETE';

/** What is left of a body after its stream's last event is read (and dropped) so the connection stays usable. */
const discardLimitBytes = 128 * 1024;

/**
 * The agentry.v1 client over undici: retries retryable failures with backoff and Retry-After,
 * per-attempt and total deadlines, streams with stall deadlines and Last-Event-ID resume.
 */
export function createHttpTransport(options: HttpTransportOptions): ClientTransport {
  const resolved = resolveHttpTransportOptions(options);
  const { baseUrl, retry } = resolved;

  /**
   * The headers of one request as a flat `[name, value, ...]` list (undici's cheapest form): the
   * client's own, then the request's, which replace a client header of the same name.
   */
  function requestHeaders(call: { requestId: string; idempotencyKey?: string }, hasBody: boolean, extraHeaders?: Record<string, string>): string[] {
    const headers = resolved.perRequestNamesUsed ? withoutPerRequestNames(resolved.headerList, call, hasBody, extraHeaders) : resolved.headerList.slice();
    headers.push('x-request-id', call.requestId);
    if (extraHeaders !== undefined) for (const name of Object.keys(extraHeaders)) headers.push(name, extraHeaders[name]!);
    if (hasBody) headers.push('content-type', 'application/json');
    if (call.idempotencyKey !== undefined) headers.push('idempotency-key', call.idempotencyKey);
    return headers;
  }

  /**
   * The origin and path of a request, split once up front (baseUrl's) so no URL is parsed per
   * request; a path the URL parser would change (a `.` segment) goes through it, as `request(url)` does.
   */
  function target(method: Method, path: string, headers: string[], body: string | undefined): Dispatcher.DispatchOptions {
    if (resolved.origin !== undefined && isPlainPath(path)) return { origin: resolved.origin, path: resolved.pathPrefix + path, method, headers, body };
    const url = new URL(`${baseUrl}${path}`);
    return { origin: url.origin, path: url.search ? `${url.pathname}${url.search}` : url.pathname, method, headers, body };
  }

  /**
   * Runs `operation` with retries. Each attempt is cancelled on the caller's signal, the stop
   * source, the total deadline or the attempt deadline, each with its own AgentryError as reason;
   * `operation` binds the attempt to its request before it awaits.
   */
  async function withRetries<T>(
    label: string,
    call: Pick<TransportCall, 'requestId' | 'signal'>,
    operation: (attempt: AttemptAbort) => Promise<T>,
    stop?: StopSource,
  ): Promise<T> {
    const deadlines = createCallDeadlines(resolved, label, call.requestId, call.signal, stop);
    for (let number = 1; ; number++) {
      const attempt = deadlines.begin(number);
      let error: AgentryError;
      try {
        return await operation(attempt);
      } catch (caught) {
        error = classify(caught, attempt, label, call.requestId);
      } finally {
        deadlines.end();
      }
      if (!error.retryable || number > retry.limit || deadlines.cancelled()) throw error;
      // The total deadline passed while this attempt failed: the call ends with the total timeout.
      const expired = deadlines.expired();
      if (expired !== undefined) throw expired;
      const delay = backoffDelay(number, retry, error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000);
      if (error.retryAfterSeconds !== undefined && error.retryAfterSeconds * 1000 > retry.maxRetryAfterMs) throw error;
      await deadlines.pause(delay).catch((reason: unknown) => {
        throw cancelledBy(reason, label, call.requestId);
      });
    }
  }

  async function exchange<T>(
    label: string,
    method: Method,
    path: string,
    call: Pick<TransportCall, 'requestId' | 'signal'> & { idempotencyKey?: string },
    body: string | undefined,
    parse: (json: unknown) => T,
    expected: number,
  ): Promise<T> {
    const request = target(method, path, requestHeaders(call, body !== undefined), body);
    return withRetries(label, call, async (attempt) => {
      // Cancelled already (the caller's signal): nothing is sent.
      if (attempt.aborted) throw attempt.reason;
      // Straight to the dispatcher, the whole body collected as text: no body stream, signal or listener per request.
      const sent = sendBuffered(resolved.dispatcher ?? getGlobalDispatcher(), request);
      attempt.bind(sent.abort);
      const response = await sent.response;
      if (response.status !== expected) throw errorFromResponse(response.status, response.headers, response.text, label, call.requestId);
      let json: unknown;
      try {
        json = JSON.parse(response.text);
      } catch (error) {
        throw new AgentryError('AGENTRY_PROTOCOL_ERROR', `${label}: the response is not JSON`, { cause: error, requestId: call.requestId });
      }
      return parse(json);
    });
  }

  function schemaParser<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ message: string; path: PropertyKey[] }> } } }, label: string) {
    return (json: unknown): T => {
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AgentryError('AGENTRY_PROTOCOL_ERROR', `${label}: unexpected response (${issue?.path.join('.')}: ${issue?.message})`);
      }
      return parsed.data;
    };
  }

  const agentPath = (agent: string, action: string) => `/v1/agents/${encodeURIComponent(agent)}/${action}`;
  const requestBody = (call: TransportCall, extra?: Record<string, unknown>) =>
    JSON.stringify({
      input: call.input,
      version: call.version,
      subject: call.subject,
      metadata: call.metadata,
      cache: call.cache,
      ...extra,
    });

  async function* stream(call: TransportCall): AsyncGenerator<readonly StreamEvent[]> {
    const label = `stream ${call.agent}`;
    const path = agentPath(call.agent, 'stream');
    const body = requestBody(call);
    // One reader for the whole call: it keeps the resume position (Last-Event-ID) across responses.
    const reader = createSseEventReader(label);
    let delivered = false;
    let resumes = 0;
    for (;;) {
      const stall = createStallWatch(resolved.firstEventMs, resolved.idleMs, label, call.requestId);
      const lastId = reader.lastId;
      const headers = requestHeaders(call, true, lastId === undefined ? streamAccept : { ...streamAccept, 'last-event-id': lastId });
      const request = target('POST', path, headers, body);
      let response: StreamedRequest;
      try {
        if (delivered) {
          // A resume: no retries (the events so far reached the caller), cancelled by the caller or a stall.
          if (call.signal?.aborted === true) throw call.signal.reason;
          const sent = sendStreamed(resolved.dispatcher ?? getGlobalDispatcher(), request);
          stall.start();
          const unlinkCaller = onAbort(call.signal, (reason) => sent.abort(reason));
          const unlinkStall = stall.subscribe((reason) => sent.abort(reason));
          try {
            response = await openStream(sent, label, call.requestId);
          } finally {
            unlinkCaller();
            unlinkStall();
          }
        } else {
          // Before anything reached the caller, a failed open is retried like any request.
          response = await withRetries(
            label,
            call,
            (attempt) => {
              if (attempt.aborted) return Promise.reject(attempt.reason);
              const sent = sendStreamed(resolved.dispatcher ?? getGlobalDispatcher(), request);
              // The deadlines start once the request is on its way.
              stall.start();
              attempt.bind((reason) => sent.abort(reason));
              return openStream(sent, label, call.requestId);
            },
            stall,
          );
        }
      } catch (error) {
        stall.stop();
        throw classify(error, stall, label, call.requestId);
      }
      if (resumes > 0) reader.restart();
      let finished = false;
      // The body must also stop when the stall watch fires or the caller cancels after the head arrived.
      const unlinkStall = stall.subscribe((reason) => response.abort(reason));
      const unlinkCaller = onAbort(call.signal, (reason) => response.abort(reason));
      try {
        for (;;) {
          const chunk = response.take();
          if (chunk === undefined) {
            if (response.ended) break;
            await response.ready();
            continue;
          }
          // Bytes arrived (events or keep-alive comments).
          stall.activity();
          if (reader.feed(chunk) === 0) continue;
          stall.event();
          const events = reader.takeEvents();
          const errorEvent = reader.errorEvent;
          if (errorEvent !== undefined) {
            finished = true;
            if (events.length > 0) yield events;
            const error = agentryErrorFromWire(errorEvent.error);
            error.requestId ??= call.requestId;
            throw error;
          }
          if (events.length === 0) continue;
          finished = reader.resultSeen;
          delivered = true;
          // The caller's own pace must not count as the server's silence.
          stall.pause();
          yield events;
          stall.resume();
          if (finished) return;
        }
        // Flushes an incomplete character, which cannot complete an event (that needs a blank line).
        reader.end();
      } catch (error) {
        if (finished) throw error;
        const failure = classify(error, stall, label, call.requestId);
        // A broken connection mid-stream resumes; a stall, a cancel or a protocol error ends the call.
        const resumable = failure.code === 'AGENTRY_CONNECTION_FAILED' && reader.lastId !== undefined && resumes < resolved.resumeLimit;
        if (!resumable) throw failure;
      } finally {
        stall.stop();
        unlinkStall();
        unlinkCaller();
        // After the last event the server ends the body: read that end (and drop it) so the
        // connection can carry the next call; a stream left early is cut.
        if (finished) response.discard(discardLimitBytes);
        else if (!response.ended) response.abort(new AgentryError('AGENTRY_CANCELLED', `${label}: the stream was left before its end`, { requestId: call.requestId }));
      }
      if (reader.lastId === undefined) {
        throw new AgentryError('AGENTRY_PROTOCOL_ERROR', `${label}: the stream ended before its first event`, { requestId: call.requestId, retryable: true });
      }
      if (resumes >= resolved.resumeLimit) {
        throw new AgentryError('AGENTRY_CONNECTION_FAILED', `${label}: the stream broke ${resumes + 1} times; gave up resuming`, { requestId: call.requestId });
      }
      resumes++;
      await sleep(backoffDelay(resumes, retry), call.signal).catch((reason: unknown) => {
        throw classify(reason, call.signal!, label, call.requestId);
      });
    }
  }

  return {
    kind: 'http',
    pollIntervalMs: 250,
    invoke: (call) => {
      const label = `invoke ${call.agent}`;
      const viaZod = schemaParser(invokeResultSchema, label);
      // The usual, well-formed result skips zod (see invoke-result-check); anything else goes to zod.
      return exchange(label, 'POST', agentPath(call.agent, 'invoke'), call, requestBody(call), (json) => checkInvokeResult(json) ?? viaZod(json), 200) as Promise<InvokeResult>;
    },
    stream,
    submit: (call: TransportJobCall) =>
      exchange(`submit ${call.agent}`, 'POST', agentPath(call.agent, 'jobs'), call, requestBody(call, { webhook: call.webhook }), schemaParser(jobSchema, `submit ${call.agent}`), 202),
    getJob: (jobId, signal) =>
      exchange(`job ${jobId}`, 'GET', `/v1/jobs/${encodeURIComponent(jobId)}`, callFor(signal), undefined, schemaParser(jobSchema, `job ${jobId}`), 200),
    cancelJob: (jobId, signal) =>
      exchange(`cancel job ${jobId}`, 'DELETE', `/v1/jobs/${encodeURIComponent(jobId)}`, callFor(signal), undefined, schemaParser(jobSchema, `cancel job ${jobId}`), 200),
    agents: async (signal) =>
      (await exchange('list agents', 'GET', '/v1/agents', callFor(signal), undefined, schemaParser(agentListSchema, 'list agents'), 200)).agents as AgentManifest[],
    async close() {},
  };
}

function callFor(signal: AbortSignal | undefined): Pick<TransportCall, 'requestId' | 'signal'> {
  return { requestId: `req_${globalThis.crypto.randomUUID().replaceAll('-', '')}`, ...(signal === undefined ? {} : { signal }) };
}

const streamAccept: Record<string, string> = { accept: 'text/event-stream' };

/** Waits for the head of a streamed request: a 200 opens the stream, any other answer becomes its AgentryError. */
async function openStream(sent: StreamedRequest, label: string, requestId: string): Promise<StreamedRequest> {
  const head = await sent.head;
  if (head.status !== 200) throw errorFromResponse(head.status, head.headers, head.text ?? '', label, requestId);
  return sent;
}

/** Normalises whatever an attempt threw, preferring the reason it was cancelled for (a signal or an {@link AttemptAbort}). */
function classify(error: unknown, cancel: { readonly aborted: boolean; readonly reason: unknown }, label: string, requestId: string): AgentryError {
  if (cancel.aborted) return cancelledBy(cancel.reason, label, requestId);
  if (error instanceof AgentryError) return error;
  if (isConnectionError(error)) {
    return new AgentryError('AGENTRY_CONNECTION_FAILED', `${label} failed: ${(error as Error).message}`, { cause: error, requestId });
  }
  const normalised = toAgentryError(error, 'AGENTRY_INTERNAL', label);
  normalised.requestId ??= requestId;
  return normalised;
}

/** The error a call ends with when the signal that ended it aborted with `reason`. */
function cancelledBy(reason: unknown, label: string, requestId: string): AgentryError {
  if (reason instanceof AgentryError) return reason;
  return new AgentryError('AGENTRY_CANCELLED', `${label} cancelled`, { cause: reason, requestId });
}

/** A path the URL parser would leave as it is: no `.` or `..` segment to resolve. */
function isPlainPath(path: string): boolean {
  return !path.includes('/.');
}

/** The client headers without those this request sets itself (the request's value wins). */
function withoutPerRequestNames(
  headers: readonly string[],
  call: { idempotencyKey?: string },
  hasBody: boolean,
  extraHeaders: Record<string, string> | undefined,
): string[] {
  const kept: string[] = [];
  for (let index = 0; index < headers.length; index += 2) {
    const name = headers[index]!;
    const replaced =
      name === 'x-request-id' ||
      (hasBody && name === 'content-type') ||
      (call.idempotencyKey !== undefined && name === 'idempotency-key') ||
      (extraHeaders !== undefined && Object.hasOwn(extraHeaders, name));
    if (!replaced) kept.push(name, headers[index + 1]!);
  }
  return kept;
}
