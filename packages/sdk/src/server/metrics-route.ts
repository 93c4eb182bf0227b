import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AgentryError } from '../contract';
import { bearerToken } from './authenticate';
import type { ResolvedMetricsOptions } from './metrics-options';
import type { ServerMetrics } from './server-metrics';

/** Answers `GET /metrics`. */
export type MetricsRoute = (request: IncomingMessage, response: ServerResponse, requestId: string) => Promise<void>;

/**
 * `GET /metrics`: the server's registry in Prometheus text format, to a scraper that sends the
 * metrics token (or to anyone when `metrics.public` is set). API keys are not accepted: metrics
 * span every tenant, so a tenant's key must not read them.
 *
 * @throws AgentryError `AGENTRY_FORBIDDEN` when the server has neither a token nor `public`;
 * `AGENTRY_UNAUTHORIZED` when the token is missing or wrong.
 */
export function createMetricsRoute(metrics: ServerMetrics, options: ResolvedMetricsOptions): MetricsRoute {
  // Digests have one length, so the comparison runs in constant time whatever is presented.
  const expected = options.token === undefined ? undefined : digest(options.token);
  return async (request, response, requestId) => {
    if (!options.public) {
      if (expected === undefined) {
        throw new AgentryError('AGENTRY_FORBIDDEN', 'GET /metrics is closed: this server has no metrics token', {
          hint: 'Set `metrics.token` in the createServer options and scrape with `Authorization: Bearer <token>`, or `metrics.public: true` where only the scraper reaches the port.',
        });
      }
      const presented = bearerToken(request.headers.authorization);
      if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
        throw new AgentryError('AGENTRY_UNAUTHORIZED', 'GET /metrics needs the metrics token as `Authorization: Bearer <token>`', {
          hint: 'Send the server\'s `metrics.token`; API keys are not accepted here.',
        });
      }
    }
    const text = await metrics.registry.metrics();
    response.writeHead(200, {
      'content-type': metrics.registry.contentType,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
      'x-request-id': requestId,
    });
    response.end(text);
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
