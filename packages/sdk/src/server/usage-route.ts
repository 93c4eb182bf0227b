import { AgentryError } from '../contract';
import { sendJson } from './send-json';
import type { RequestContext } from './server-context';
import type { UsageTally } from './usage-tally';
import { parseUsageWindow } from './usage-window';

/**
 * `GET /v1/usage?from=&to=`: the calling tenant's usage (never another tenant's) in total and per
 * agent, as a UsageReport.
 *
 * @throws AgentryError `AGENTRY_INVALID_REQUEST` for a bad window; `AGENTRY_NOT_FOUND` when the
 * server keeps no usage.
 */
export function usageRoute(usage: UsageTally | undefined, context: RequestContext): void {
  if (usage === undefined) {
    throw new AgentryError('AGENTRY_NOT_FOUND', 'GET /v1/usage: this server keeps no usage', {
      hint: 'Usage reporting is off (`usage: false`), or the server serves a runtime given without `observer` (see createInvocationObserver).',
    });
  }
  const { from, to } = parseUsageWindow(context.request.url);
  sendJson(context.response, 200, usage.report(context.tenant, from, to), context.requestId);
}
