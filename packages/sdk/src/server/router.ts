import { AgentryError } from '../contract';

/** What a request's method and path name. */
export type Route =
  | { readonly name: 'healthz' | 'readyz' | 'metrics' | 'list-agents' | 'usage' }
  | { readonly name: 'invoke' | 'stream' | 'create-job'; readonly agent: string }
  | { readonly name: 'get-job' | 'cancel-job'; readonly jobId: string }
  | { readonly name: 'not-found' }
  | { readonly name: 'method-not-allowed'; readonly allow: string };

const notFound: Route = { name: 'not-found' };
const healthz: Route = { name: 'healthz' };
const readyz: Route = { name: 'readyz' };
const metrics: Route = { name: 'metrics' };
const listAgents: Route = { name: 'list-agents' };
const usage: Route = { name: 'usage' };

/**
 * Maps a method and request target to a route of agentry.v1. Plain string work, no regex: it runs
 * on every request. Agent ids may carry one scope (`acme/triage`), sent literally or as `%2F`.
 *
 * @throws AgentryError `AGENTRY_INVALID_REQUEST` when the path has a malformed percent-encoding.
 */
export function matchRoute(method: string | undefined, target: string | undefined): Route {
  const url = target ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);

  if (path === '/healthz') return method === 'GET' ? healthz : notAllowed('GET');
  if (path === '/readyz') return method === 'GET' ? readyz : notAllowed('GET');
  if (path === '/metrics') return method === 'GET' ? metrics : notAllowed('GET');
  if (path === '/v1/agents') return method === 'GET' ? listAgents : notAllowed('GET');
  if (path === '/v1/usage') return method === 'GET' ? usage : notAllowed('GET');

  if (path.startsWith('/v1/agents/')) {
    const rest = path.slice('/v1/agents/'.length);
    const actionAt = rest.lastIndexOf('/');
    if (actionAt <= 0) return notFound;
    const name = agentAction(rest.slice(actionAt + 1));
    if (name === undefined) return notFound;
    const agent = decode(rest.slice(0, actionAt));
    if (!isAgentPath(agent)) return notFound;
    return method === 'POST' ? { name, agent } : notAllowed('POST');
  }

  if (path.startsWith('/v1/jobs/')) {
    const raw = path.slice('/v1/jobs/'.length);
    if (raw.length === 0 || raw.includes('/')) return notFound;
    const jobId = decode(raw);
    if (method === 'GET') return { name: 'get-job', jobId };
    if (method === 'DELETE') return { name: 'cancel-job', jobId };
    return notAllowed('GET, DELETE');
  }
  return notFound;
}

/** True for routes under `/v1`, which need an API key. */
export function isApiRoute(route: Route): boolean {
  return route.name !== 'healthz' && route.name !== 'readyz' && route.name !== 'metrics' && route.name !== 'not-found' && route.name !== 'method-not-allowed';
}

function agentAction(action: string): 'invoke' | 'stream' | 'create-job' | undefined {
  if (action === 'invoke') return 'invoke';
  if (action === 'stream') return 'stream';
  if (action === 'jobs') return 'create-job';
  return undefined;
}

function notAllowed(allow: string): Route {
  return { name: 'method-not-allowed', allow };
}

/** An agent id has one name and at most one scope, both non-empty. */
function isAgentPath(agent: string): boolean {
  const slash = agent.indexOf('/');
  if (slash === -1) return agent.length > 0;
  return slash > 0 && slash < agent.length - 1 && agent.indexOf('/', slash + 1) === -1;
}

function decode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch (error) {
    throw new AgentryError('AGENTRY_INVALID_REQUEST', 'the request path has a malformed percent-encoding', { cause: error });
  }
}
