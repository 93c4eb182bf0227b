import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { AgentryError, toAgentryError } from '../contract';
import { createRuntime, type Runtime } from '../runtime';
import { createTenantResolver } from './authenticate';
import { createInFlightTracker } from './in-flight-tracker';
import type { InvocationObserver } from './invocation-observer';
import { invokeRoute } from './invoke-route';
import { cancelJobRoute, createJobRoute, getJobRoute } from './job-routes';
import { requestIdFrom } from './request-id';
import { isApiRoute, matchRoute, type Route } from './router';
import { sendError, sendJson } from './send-json';
import type { RequestContext, ServerContext } from './server-context';
import { createServerObservability } from './server-observability';
import type { ServerMetrics } from './server-metrics';
import { resolveServerOptions, type ServerOptions } from './server-options';
import { streamRoute } from './stream-route';
import { createStreamRegistry } from './stream-registry';
import { usageRoute } from './usage-route';

/** Options of {@link AgentryServer.listen}. */
export interface ListenOptions {
  /** TCP port; 0 picks a free one. @default 8787 */
  port?: number;
  /** Interface to bind; loopback unless you mean to expose the server. @default '127.0.0.1' */
  host?: string;
}

/** Options of {@link AgentryServer.close}. */
export interface CloseOptions {
  /** Longest wait for in-flight work before it is cancelled, in ms. @default the server's `shutdownTimeoutMs` (30000) */
  timeoutMs?: number;
}

/** The agentry.v1 HTTP server. */
export interface AgentryServer {
  /** Starts listening; resolves with the base URL once connections are accepted. */
  listen(options?: ListenOptions): Promise<{ url: string; port: number }>;
  /**
   * Shuts down gracefully: `/readyz` turns 503 and new `/v1` requests get 503
   * AGENTRY_SHUTTING_DOWN, the runtime drains, in-flight responses finish, then connections and
   * the listener close. Calling it again returns the same promise.
   */
  close(options?: CloseOptions): Promise<void>;
  /** The request handler, for mounting in a node:http server of your own. Never rejects. */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** The runtime the server hosts. */
  readonly runtime: Runtime;
  /**
   * The server's own prom-client registry (what `GET /metrics` serves), to merge into an
   * exposition of yours with `Registry.merge`; undefined with `metrics: false`.
   */
  readonly metricsRegistry: Registry | undefined;
}

const healthy = { status: 'ok' } as const;
const settled: Promise<void> = Promise.resolve();
const ready = { status: 'ready' } as const;

/**
 * Creates the Agentry runtime server: a thin HTTP face over {@link createRuntime} speaking
 * agentry.v1 (JSON, SSE with resume, jobs, webhooks), on node:http with no framework.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the wrong option.
 * @example
 * const server = createServer({ packs: [echoPack], apiKeys: { [process.env.API_KEY!]: { tenant: 'acme' } } });
 * const { url } = await server.listen({ port: 8787 });
 * process.on('SIGTERM', () => void server.close());
 */
export function createServer(options: ServerOptions): AgentryServer {
  const resolved = resolveServerOptions(options);
  const streams = createStreamRegistry({
    replayWindowMs: resolved.replayWindowMs,
    maxEventsPerStream: resolved.maxEventsPerStream,
    maxRunning: resolved.maxConcurrentStreams,
    maxRetained: resolved.maxRetainedStreams,
  });
  const inFlight = createInFlightTracker();
  const observability = createServerObservability(
    resolved,
    { given: options.runtime !== undefined, observer: options.observer },
    { inFlight: () => inFlight.count, streams },
  );
  const { metrics, metricsRoute, usage } = observability;
  const runtime = options.runtime ?? createRuntime(runtimeOptionsOf(options, observability.observer));
  const resolveTenant = createTenantResolver(resolved.apiKeys);
  const server: ServerContext = { runtime, options: resolved, streams, metrics, usage };
  let closing = false;
  let closed: Promise<void> | undefined;
  let httpServer: Server | undefined;

  function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    inFlight.track(response);
    // Every answer while closing asks the client to go elsewhere for its next request.
    if (closing) response.setHeader('connection', 'close');
    const requestId = requestIdFrom(request.headers['x-request-id']);
    if (metrics !== undefined) return handleMeasured(request, response, requestId, metrics);
    try {
      // Routes answer synchronously when they can (health, errors); only a promise is chained.
      const pending = dispatch(matchRoute(request.method, request.url), request, response, requestId);
      if (pending !== undefined) return pending.then(undefined, (error: unknown) => fail(error, response, requestId));
    } catch (error) {
      fail(error, response, requestId);
    }
    return settled;
  }

  /** {@link handle}, counting the request by route template and status once it is answered. */
  function handleMeasured(request: IncomingMessage, response: ServerResponse, requestId: string, measure: ServerMetrics): Promise<void> {
    const startedAt = performance.now();
    let route: Route | undefined;
    try {
      route = matchRoute(request.method, request.url);
      const pending = dispatch(route, request, response, requestId);
      if (pending !== undefined) {
        const matched = route;
        return pending.then(
          () => measure.requestEnded(matched, request.method, response.statusCode, startedAt),
          (error: unknown) => {
            fail(error, response, requestId);
            measure.requestEnded(matched, request.method, response.statusCode, startedAt);
          },
        );
      }
    } catch (error) {
      fail(error, response, requestId);
    }
    measure.requestEnded(route, request.method, response.statusCode, startedAt);
    return settled;
  }

  /** Answers a failed request with its error envelope, logging server faults. */
  function fail(error: unknown, response: ServerResponse, requestId: string): void {
    const failure = toAgentryError(error);
    if (failure.status >= 500 && failure.code !== 'AGENTRY_SHUTTING_DOWN') {
      resolved.logger.error('request failed', { requestId, code: failure.code, message: failure.message, cause: describeCause(failure) });
    }
    sendError(response, failure, requestId);
  }

  function dispatch(route: Route, request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> | void {
    if (route.name === 'method-not-allowed') {
      const error = new AgentryError('AGENTRY_METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${route.allow}`);
      return sendError(response, error, requestId, { allow: route.allow });
    }
    if (route.name === 'not-found') throw new AgentryError('AGENTRY_NOT_FOUND', `no route for ${request.method} ${truncate(request.url)}`);
    if (route.name === 'healthz') return sendJson(response, 200, healthy, requestId);
    // Scraped while closing too: a drain is when an operator most wants to see the server.
    if (route.name === 'metrics') {
      if (metricsRoute === undefined) throw new AgentryError('AGENTRY_NOT_FOUND', 'GET /metrics: metrics are off on this server (`metrics: false`)');
      return metricsRoute(request, response, requestId);
    }
    if (route.name === 'readyz') {
      if (closing || !runtime.accepting) throw shuttingDown();
      return sendJson(response, 200, ready, requestId);
    }
    if (closing && isApiRoute(route)) throw shuttingDown();
    const tenant = resolveTenant(request.headers.authorization, request.socket);
    // A map of API keys answers at once; a lookup function may need a round trip.
    if (typeof tenant !== 'string') return tenant.then((found) => serve(route, { request, response, requestId, tenant: found }));
    return serve(route, { request, response, requestId, tenant });
  }

  function serve(route: Route, context: RequestContext): Promise<void> | void {
    const { response, requestId } = context;
    switch (route.name) {
      case 'list-agents':
        return sendJson(response, 200, { agents: runtime.agents() }, requestId);
      case 'usage':
        return usageRoute(usage, context);
      case 'invoke':
        return invokeRoute(server, context, route.agent);
      case 'stream':
        return streamRoute(server, context, route.agent);
      case 'create-job':
        return createJobRoute(server, context, route.agent);
      case 'get-job':
        return getJobRoute(server, context, route.jobId);
      case 'cancel-job':
        return cancelJobRoute(server, context, route.jobId);
    }
  }

  async function shutdown(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    closing = true;
    await runtime.drain({ timeoutMs });
    // Work is done; its responses (and stream followers) may still be writing.
    await inFlight.idle(Math.max(deadline - Date.now(), 1_000));
    streams.close();
    observability.stop();
    if (httpServer !== undefined) await stopListening(httpServer);
  }

  return {
    runtime,
    metricsRegistry: metrics?.registry,
    handle,
    async listen(listenOptions = {}) {
      const port = listenOptions.port ?? 8787;
      const host = listenOptions.host ?? '127.0.0.1';
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw listenError(`\`port\` must be an integer from 0 to 65535, got ${String(port)}`);
      if (typeof host !== 'string' || host.length === 0) throw listenError('`host` must be a non-empty string');
      if (httpServer !== undefined || closed !== undefined) throw listenError('the server is already listening or closed');
      const candidate = createHttpServer({ noDelay: true }, (request, response) => void handle(request, response));
      httpServer = candidate;
      await new Promise<void>((resolve, reject) => {
        candidate.once('error', reject);
        candidate.listen(port, host, () => {
          candidate.off('error', reject);
          resolve();
        });
      }).catch((error: unknown) => {
        httpServer = undefined;
        throw listenError(`cannot listen on ${host}:${port}: ${(error as Error).message}`, error);
      });
      const address = candidate.address() as AddressInfo;
      const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { url: `http://${urlHost}:${address.port}`, port: address.port };
    },
    close(closeOptions = {}) {
      closed ??= shutdown(closeOptions.timeoutMs ?? resolved.shutdownTimeoutMs);
      return closed;
    },
  };
}

/** Stops accepting connections and closes the idle ones; cuts what is left after a short grace. */
function stopListening(httpServer: Server): Promise<void> {
  return new Promise((resolve) => {
    const grace = setTimeout(() => httpServer.closeAllConnections(), 1_000);
    grace.unref();
    httpServer.close(() => {
      clearTimeout(grace);
      resolve();
    });
    httpServer.closeIdleConnections();
  });
}

function runtimeOptionsOf(options: ServerOptions, observer: InvocationObserver | undefined): Parameters<typeof createRuntime>[0] {
  // Server-only fields stay here; everything else is the runtime's.
  const {
    runtime: _runtime,
    apiKeys: _apiKeys,
    limits: _limits,
    streams: _streams,
    shutdownTimeoutMs: _shutdown,
    metrics: _metrics,
    usage: _usage,
    observer: _observer,
    packs,
    ...runtimeOptions
  } = options;
  if (observer === undefined) return { ...runtimeOptions, packs: packs ?? [] };
  // Outermost, so it sees what the other middleware refuse, as the meter does.
  return { ...runtimeOptions, packs: packs ?? [], middleware: [observer, ...(runtimeOptions.middleware ?? [])] };
}


function shuttingDown(): AgentryError {
  return new AgentryError('AGENTRY_SHUTTING_DOWN', 'the server is shutting down and accepts no new requests', { retryAfterSeconds: 5 });
}

function listenError(message: string, cause?: unknown): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', `listen: ${message}`, { cause, hint: 'Choose another port or host, or stop what holds it.' });
}

function truncate(url: string | undefined): string {
  const text = url ?? '/';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function describeCause(error: AgentryError): string {
  const cause = error.cause;
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause ?? error.stack);
}
