import { request } from 'undici';
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
import type { ClientTransport, TransportCall, TransportJobCall } from '../transport';
import { resolveHttpTransportOptions, type HttpTransportOptions } from './http-transport-options';
import { errorFromResponse, isConnectionError } from './response-error';
import { readSseEvents } from './sse-events';

type Method = 'GET' | 'POST' | 'DELETE';
type Body = Awaited<ReturnType<typeof request>>['body'];
interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Body;
}

/**
 * The agentry.v1 client over undici: retries retryable failures with backoff and Retry-After,
 * per-attempt and total deadlines, streams with stall deadlines and Last-Event-ID resume.
 */
export function createHttpTransport(options: HttpTransportOptions): ClientTransport {
  const resolved = resolveHttpTransportOptions(options);
  const { baseUrl, retry } = resolved;

  /** One HTTP exchange with deadlines; rejects with AgentryError; resolves for any status. */
  async function send(
    method: Method,
    path: string,
    call: Pick<TransportCall, 'requestId' | 'signal'> & { idempotencyKey?: string },
    body: string | undefined,
    attemptSignal: AbortSignal,
    extraHeaders?: Record<string, string>,
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...resolved.headers, 'x-request-id': call.requestId, ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
    const response = await request(`${baseUrl}${path}`, {
      method,
      headers,
      body,
      signal: attemptSignal,
      ...(resolved.dispatcher === undefined ? {} : { dispatcher: resolved.dispatcher }),
    });
    return { status: response.statusCode, headers: response.headers, body: response.body };
  }

  /**
   * Runs `operation` with retries. Each attempt gets a signal that aborts on the caller's signal,
   * the total deadline or the attempt deadline, each with its own AgentryError as reason.
   */
  async function withRetries<T>(
    label: string,
    call: Pick<TransportCall, 'requestId' | 'signal'>,
    operation: (signal: AbortSignal) => Promise<T>,
    stopSignal?: AbortSignal,
  ): Promise<T> {
    const total = deadline(resolved.totalMs, () => new AgentryError('AGENTRY_TIMEOUT', `${label} timed out after ${resolved.totalMs} ms (total)`, { retryable: false, requestId: call.requestId }));
    const outer = AbortSignal.any([total.signal, ...(call.signal ? [call.signal] : []), ...(stopSignal ? [stopSignal] : [])]);
    try {
      for (let attempt = 1; ; attempt++) {
        const perAttempt = deadline(resolved.attemptMs, () => new AgentryError('AGENTRY_TIMEOUT', `${label} timed out after ${resolved.attemptMs} ms (attempt ${attempt})`, { requestId: call.requestId }));
        const signal = AbortSignal.any([outer, perAttempt.signal]);
        try {
          return await operation(signal);
        } catch (caught) {
          const error = classify(caught, signal, label, call.requestId);
          if (!error.retryable || attempt > retry.limit || outer.aborted) throw error;
          const delay = backoffDelay(attempt, retry, error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000);
          if (error.retryAfterSeconds !== undefined && error.retryAfterSeconds * 1000 > retry.maxRetryAfterMs) throw error;
          await sleep(delay, outer).catch(() => {
            throw classify(outer.reason, outer, label, call.requestId);
          });
        } finally {
          perAttempt.cancel();
        }
      }
    } finally {
      total.cancel();
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
    return withRetries(label, call, async (signal) => {
      const answer = await send(method, path, call, body, signal);
      const text = await answer.body.text();
      if (answer.status !== expected) throw errorFromResponse(answer.status, answer.headers, text, label, call.requestId);
      let json: unknown;
      try {
        json = JSON.parse(text);
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

  async function* stream(call: TransportCall): AsyncGenerator<StreamEvent[]> {
    const label = `stream ${call.agent}`;
    const path = agentPath(call.agent, 'stream');
    const body = requestBody(call);
    let lastId: string | undefined;
    let lastSeq = 0;
    let delivered = false;
    let resumes = 0;
    for (;;) {
      const stall = createStallWatch(resolved.firstEventMs, resolved.idleMs, label, call.requestId);
      let answer: Answer;
      const open = (signal: AbortSignal) =>
        send('POST', path, call, body, signal, {
          accept: 'text/event-stream',
          ...(lastId === undefined ? {} : { 'last-event-id': lastId }),
        }).then(async (opened) => {
          if (opened.status !== 200) {
            throw errorFromResponse(opened.status, opened.headers, await opened.body.text(), label, call.requestId);
          }
          return opened;
        });
      try {
        // Before anything reached the caller, a failed open is retried like any request.
        answer = delivered
          ? await open(call.signal ? AbortSignal.any([call.signal, stall.signal]) : stall.signal)
          : await withRetries(label, call, open, stall.signal);
      } catch (error) {
        stall.stop();
        throw classify(error, stall.signal, label, call.requestId);
      }
      let finished = false;
      // The body must also stop when the stall watch fires after the headers arrived.
      const onStall = (): void => void answer.body.destroy(stall.signal.reason as Error);
      stall.signal.addEventListener('abort', onStall, { once: true });
      try {
        for await (const wireBatch of readSseEvents(answer.body, label, stall.activity)) {
          stall.event();
          const batch: StreamEvent[] = [];
          for (const { id, event } of wireBatch) {
            const seq = sequenceOf(id);
            if (seq !== undefined) {
              if (seq <= lastSeq) continue; // replayed on resume: already delivered
              lastSeq = seq;
              lastId = id;
            }
            if (event.type === 'error') {
              finished = true;
              if (batch.length > 0) yield batch;
              const error = agentryErrorFromWire(event.error);
              error.requestId ??= call.requestId;
              throw error;
            }
            batch.push(event);
            if (event.type === 'result') {
              finished = true;
              break;
            }
          }
          if (batch.length === 0) continue;
          delivered = true;
          // The caller's own pace must not count as the server's silence.
          stall.pause();
          yield batch;
          stall.resume();
          if (finished) return;
        }
      } catch (error) {
        if (finished) throw error;
        const failure = classify(error, stall.signal, label, call.requestId);
        // A broken connection mid-stream resumes; a stall, a cancel or a protocol error ends the call.
        const resumable = failure.code === 'AGENTRY_CONNECTION_FAILED' && lastId !== undefined && resumes < resolved.resumeLimit;
        if (!resumable) throw failure;
      } finally {
        stall.stop();
        stall.signal.removeEventListener('abort', onStall);
        if (!finished) answer.body.destroy();
      }
      if (lastId === undefined) {
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
    invoke: (call) =>
      exchange(`invoke ${call.agent}`, 'POST', agentPath(call.agent, 'invoke'), call, requestBody(call), schemaParser(invokeResultSchema, `invoke ${call.agent}`), 200) as Promise<InvokeResult>,
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

function sequenceOf(id: string | undefined): number | undefined {
  if (id === undefined) return undefined;
  const dot = id.lastIndexOf('.');
  const seq = Number(id.slice(dot + 1));
  return Number.isSafeInteger(seq) ? seq : undefined;
}

/** Normalises whatever an attempt threw, preferring the reason of the signal that aborted it. */
function classify(error: unknown, signal: AbortSignal, label: string, requestId: string): AgentryError {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof AgentryError) return reason;
    return new AgentryError('AGENTRY_CANCELLED', `${label} cancelled`, { cause: reason, requestId });
  }
  if (error instanceof AgentryError) return error;
  if (isConnectionError(error)) {
    return new AgentryError('AGENTRY_CONNECTION_FAILED', `${label} failed: ${(error as Error).message}`, { cause: error, requestId });
  }
  const normalised = toAgentryError(error, 'AGENTRY_INTERNAL', label);
  normalised.requestId ??= requestId;
  return normalised;
}

/** A timer that aborts with a typed reason; `cancel()` clears it. */
function deadline(ms: number, reason: () => AgentryError): { signal: AbortSignal; cancel(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(reason()), ms);
  return { signal: controller.signal, cancel: () => clearTimeout(timer) };
}

/**
 * Ends a stream that stays silent too long: `firstEventMs` until the first event, then `idleMs`
 * between chunks. Keeps timestamps rather than re-arming a timer per event (the hot path).
 */
function createStallWatch(firstEventMs: number, idleMs: number, label: string, requestId: string) {
  const controller = new AbortController();
  let sawEvent = false;
  let paused = false;
  let last = performance.now();
  let timer = setTimeout(check, firstEventMs);
  function check(): void {
    if (paused) {
      timer = setTimeout(check, idleMs);
      return;
    }
    const limit = sawEvent ? idleMs : firstEventMs;
    const elapsed = performance.now() - last;
    if (elapsed >= limit) {
      const reason = sawEvent ? `no activity for ${idleMs} ms` : `no event within ${firstEventMs} ms`;
      controller.abort(new AgentryError('AGENTRY_STREAM_STALLED', `${label} stalled: ${reason}`, { requestId }));
    } else {
      timer = setTimeout(check, limit - elapsed);
    }
  }
  return {
    signal: controller.signal,
    /** Bytes arrived (events or keep-alive comments); before the first event only events count. */
    activity(): void {
      if (sawEvent) last = performance.now();
    },
    /** Whole events arrived. */
    event(): void {
      last = performance.now();
      if (!sawEvent) {
        // From now on the (usually shorter) idle deadline applies.
        sawEvent = true;
        clearTimeout(timer);
        timer = setTimeout(check, idleMs);
      }
    },
    /** The consumer holds events: its pace is not the server's silence. */
    pause(): void {
      paused = true;
    },
    resume(): void {
      paused = false;
      last = performance.now();
    },
    stop(): void {
      clearTimeout(timer);
    },
  };
}
