import { request } from 'undici';
import { AgentryError } from '../contract';
import { attemptFailure } from './attempt-failure';
import { errorBodyOf, errorFromHttpResponse, providerError, providerRequestIdOf, statusForErrorType } from './provider-error';
import type { ResolvedHttpSettings } from './provider-settings';
import { retryBeforeFirstEvent, retryCall } from './retry-before-first-event';
import { readServerSentEvents, type EventSourceMessage } from './server-sent-events';
import { createStallWatch } from './stall-watch';

type Response = Awaited<ReturnType<typeof request>>;

/** A parsed JSON answer and the provider's request id. */
export interface JsonAnswer {
  json: unknown;
  providerRequestId: string | undefined;
}

/** Turns one attempt's SSE messages into model events; throws AgentryError on an error event or a truncated stream. */
export type StreamDecoder<T> = (messages: AsyncIterable<EventSourceMessage>, providerRequestId: string | undefined) => AsyncIterable<T>;

/**
 * POSTs JSON and reads a JSON answer, with retries and a per-attempt deadline
 * (`timeout.attemptMs`, AGENTRY_TIMEOUT). Every failure is an AgentryError without the API key.
 */
export function postJson(settings: ResolvedHttpSettings, url: string, body: unknown, signal: AbortSignal | undefined): Promise<JsonAnswer> {
  const payload = JSON.stringify(body);
  return retryCall(settings, signal, async (attemptNumber) => {
    const deadline = new AbortController();
    const timer = setTimeout(
      () =>
        deadline.abort(
          new AgentryError('AGENTRY_TIMEOUT', `${settings.label} timed out after ${settings.attemptMs} ms (attempt ${attemptNumber})`),
        ),
      settings.attemptMs,
    );
    let providerRequestId: string | undefined;
    try {
      const response = await send(settings, url, payload, 'application/json', signal, deadline.signal);
      providerRequestId = providerRequestIdOf(response.headers);
      const text = await response.body.text();
      if (response.statusCode >= 300) throw errorFromHttpResponse(settings.label, response.statusCode, response.headers, text);
      try {
        return { json: JSON.parse(text), providerRequestId };
      } catch (error) {
        throw new AgentryError('AGENTRY_UPSTREAM_ERROR', `${settings.label} failed: the response is not JSON`, {
          cause: error,
          retryable: false,
          ...(providerRequestId === undefined ? {} : { providerRequestId }),
        });
      }
    } catch (error) {
      throw finish(settings, attemptFailure(error, { caller: signal, attempt: deadline.signal }, settings.label), providerRequestId, signal);
    } finally {
      clearTimeout(timer);
    }
  });
}

/**
 * POSTs JSON and streams the SSE answer through `decode`. Attempts are retried until the first
 * event reaches the caller; each attempt has the stall deadlines (`stall.firstEventMs`,
 * `stall.idleMs`, AGENTRY_STREAM_STALLED). Failures are thrown from the iterator as AgentryError.
 */
export function postStream<T>(
  settings: ResolvedHttpSettings,
  url: string,
  body: unknown,
  signal: AbortSignal | undefined,
  decode: StreamDecoder<T>,
): AsyncIterable<T> {
  const payload = JSON.stringify(body);
  return retryBeforeFirstEvent(settings, signal, () => streamAttempt(settings, url, payload, signal, decode));
}

async function* streamAttempt<T>(
  settings: ResolvedHttpSettings,
  url: string,
  payload: string,
  signal: AbortSignal | undefined,
  decode: StreamDecoder<T>,
): AsyncGenerator<T> {
  const watch = createStallWatch(settings.firstEventMs, settings.idleMs, settings.label);
  let response: Response | undefined;
  let providerRequestId: string | undefined;
  try {
    response = await send(settings, url, payload, 'text/event-stream', signal, watch.signal);
    providerRequestId = providerRequestIdOf(response.headers);
    if (response.statusCode >= 300) {
      throw errorFromHttpResponse(settings.label, response.statusCode, response.headers, await response.body.text());
    }
    const contentType = String(response.headers['content-type'] ?? '');
    if (contentType.includes('application/json')) throw await jsonInsteadOfStream(settings, response);
    for await (const event of decode(readServerSentEvents(response.body, watch.activity), providerRequestId)) {
      watch.event();
      watch.pause();
      yield event;
      watch.resume();
    }
  } catch (error) {
    throw finish(settings, attemptFailure(error, { caller: signal, attempt: watch.signal }, settings.label), providerRequestId, signal);
  } finally {
    watch.stop();
    // Ends the exchange when the caller stopped early or the attempt failed; a no-op once read to the end.
    response?.body.destroy();
  }
}

/** A 200 with a JSON body where an event stream was asked for: a gateway's error, or a server ignoring `stream`. */
async function jsonInsteadOfStream(settings: ResolvedHttpSettings, response: Response): Promise<AgentryError> {
  const text = await response.body.text();
  const body = errorBodyOf(text);
  const providerRequestId = providerRequestIdOf(response.headers);
  if (body.type !== undefined || body.message !== undefined) {
    return providerError({
      label: settings.label,
      status: statusForErrorType(body.type),
      where: 'error body in a 200 answer',
      ...body,
      ...(providerRequestId === undefined ? {} : { providerRequestId }),
    });
  }
  return new AgentryError('AGENTRY_UPSTREAM_ERROR', `${settings.label} failed: asked for an event stream, got JSON`, {
    retryable: false,
    hint: 'The server ignored `stream: true`; check that it is OpenAI- or Anthropic-compatible for streaming.',
    ...(providerRequestId === undefined ? {} : { providerRequestId }),
  });
}

function send(
  settings: ResolvedHttpSettings,
  url: string,
  payload: string,
  accept: string,
  caller: AbortSignal | undefined,
  attempt: AbortSignal,
): Promise<Response> {
  return request(url, {
    method: 'POST',
    headers: { ...settings.headers, 'content-type': 'application/json', accept },
    body: payload,
    signal: caller ? AbortSignal.any([caller, attempt]) : attempt,
    // Our own deadlines (attempt, first event, idle) rule; undici's 300 s defaults would cut long generations.
    headersTimeout: 0,
    bodyTimeout: 0,
    ...(settings.dispatcher === undefined ? {} : { dispatcher: settings.dispatcher }),
  });
}

/**
 * Adds the provider request id when the error lacks one and removes secrets from the message.
 * A cancellation passes untouched: its reason belongs to the caller.
 */
function finish(
  settings: ResolvedHttpSettings,
  error: AgentryError,
  providerRequestId: string | undefined,
  signal: AbortSignal | undefined,
): AgentryError {
  if (signal?.aborted) return error;
  let result = error;
  if (providerRequestId !== undefined && error.providerRequestId === undefined) {
    result = new AgentryError(error.code, error.message, {
      status: error.status,
      retryable: error.retryable,
      hint: error.hint,
      providerRequestId,
      details: error.details,
      cause: error.cause,
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    });
  }
  for (const secret of settings.secrets) {
    if (result.message.includes(secret)) result.message = result.message.replaceAll(secret, '[redacted]');
  }
  return result;
}
