import { AgentryError, defineTaskPack, networkHostSchema, type TaskPackContext } from '@agentry/sdk';
import { trackerCapabilities } from './project-tracker-capabilities';
import {
  projectTrackerInputSchema,
  projectTrackerOutputSchema,
  type ProjectTrackerInput,
  type ProjectTrackerOutput,
} from './project-tracker-schemas';
import { createTrackerClient, type TrackerClient } from './tracker-client';
import { createTrackerHttp, systemClock, type TrackerClock } from './tracker-http';

/** Options of {@link createProjectTrackerPack}. */
export interface ProjectTrackerOptions {
  /** Repository owner (user or organisation). */
  owner: string;
  /** Repository name. The pack can reach this repository only. */
  repo: string;
  /** Token sent as `Authorization: Bearer`; omit for read-only access to a public repository. */
  token?: string;
  /**
   * API root of a GitHub-compatible tracker, e.g. `https://ghe.example.com/api/v3`. Its host is the
   * only one the pack declares, so `ctx.fetch` refuses any other. @default 'https://api.github.com'
   */
  baseUrl?: string;
  /** `User-Agent` header, which GitHub requires. @default 'agentry-project-tracker/1.0' */
  userAgent?: string;
  retry?: {
    /** Retries after a rate limit, a 5xx (GET/PATCH) or a broken connection (GET/PATCH). @default 2 */
    limit?: number;
    /** Longest rate-limit wait honoured in-process, in ms; longer ones fail with AGENTRY_RATE_LIMITED. @default 10000 */
    maxWaitMs?: number;
  };
  /** Clock for waits, injectable for tests. @default the system clock */
  clock?: TrackerClock;
  /** Agent id, to host several trackers side by side. @default 'project-tracker' */
  id?: string;
  /** Deadline of one operation in ms, waits included. @default 30000 */
  timeoutMs?: number;
}

/**
 * Creates a pack that lists, searches, reads, creates, comments on and opens or closes issues of
 * one repository through the GitHub Issues REST API v3 (or any server that speaks it), with
 * pagination, rate-limit handling and coded errors. It declares the host of `baseUrl` as its only
 * network capability and makes every request through `ctx.fetch`, so the runtime polices it and
 * the host chooses the HTTP client (proxy, pool, test double) with `taskPackHost({ fetch })`.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` when owner, repo, baseUrl or a retry bound is invalid.
 * @example
 * const tracker = createProjectTrackerPack({ owner: 'acme', repo: 'widgets', token: process.env.GITHUB_TOKEN });
 * await createRuntime({ packs: [tracker] }).invoke({ agent: 'project-tracker', input: { op: 'list', state: 'open' }, tenant: 'acme' });
 */
export function createProjectTrackerPack(options: ProjectTrackerOptions) {
  const resolved = resolveOptions(options);
  const client = createTrackerClient(
    createTrackerHttp({
      baseUrl: resolved.baseUrl,
      token: options.token,
      userAgent: options.userAgent ?? 'agentry-project-tracker/1.0',
      retry: resolved.retry,
      clock: options.clock ?? systemClock,
    }),
    options.owner,
    options.repo
  );
  return defineTaskPack({
    id: options.id ?? 'project-tracker',
    version: '1.0.0',
    description: `Lists, searches, reads, creates, comments on and transitions issues of ${options.owner}/${options.repo} (GitHub Issues REST API v3).`,
    input: projectTrackerInputSchema,
    output: projectTrackerOutputSchema,
    capabilities: trackerCapabilities(resolved.baseUrl),
    // The output is whatever the tracker holds at the time, not a function of the input.
    deterministic: false,
    limits: { timeoutMs: resolved.timeoutMs },
    handler: (input, context) => runOperation(client, input, context),
  });
}

/**
 * Runs one operation against the client with the handler context's signal and fetch; exported for
 * callers that want the connector without a runtime (they pass their own `{ signal, fetch }`).
 */
export async function runOperation(
  client: TrackerClient,
  input: ProjectTrackerInput,
  context: Pick<TaskPackContext, 'signal' | 'fetch'>
): Promise<ProjectTrackerOutput> {
  const scope = { signal: context.signal, fetch: context.fetch };
  switch (input.op) {
    case 'list':
      return { op: 'list', ...(await client.list(input, scope)) };
    case 'search':
      assertScopedQuery(input.query);
      return { op: 'search', ...(await client.search(input, scope)) };
    case 'get':
      return { op: 'get', issue: await client.get(input.number, scope) };
    case 'create':
      return { op: 'create', issue: await client.create(input, scope) };
    case 'comment':
      return { op: 'comment', comment: await client.comment(input.number, input.body, scope) };
    case 'transition':
      assertReasonFits(input.state, input.reason);
      return { op: 'transition', issue: await client.transition(input.number, input.state, input.reason, scope) };
  }
}

// Search qualifiers that widen the scope would let a caller read other repositories with the pack's token.
function assertScopedQuery(query: string): void {
  const widening = /(?:^|[\s(])-?(repo|org|user|owner)\s*:/i.exec(query);
  if (widening) {
    throw new AgentryError(
      'AGENTRY_INVALID_INPUT',
      `project-tracker search: the qualifier "${widening[1]}:" is not allowed; the search is pinned to the configured repository`,
      {
        details: [{ path: 'query', message: `remove the ${widening[1]}: qualifier` }],
      }
    );
  }
}

function assertReasonFits(state: 'open' | 'closed', reason: string | undefined): void {
  if (reason === undefined) return;
  const fits = state === 'open' ? reason === 'reopened' : reason !== 'reopened';
  if (!fits) {
    throw new AgentryError('AGENTRY_INVALID_INPUT', `project-tracker transition: reason "${reason}" does not fit state "${state}"`, {
      details: [{ path: 'reason', message: state === 'open' ? 'use "reopened" or omit it' : 'use "completed" or "not_planned"' }],
    });
  }
}

function resolveOptions(options: ProjectTrackerOptions) {
  const where = 'createProjectTrackerPack';
  if (typeof options?.owner !== 'string' || !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(options.owner)) {
    throw invalid(`${where}: \`owner\` must be a GitHub user or organisation name, got ${JSON.stringify(options?.owner)}`);
  }
  if (typeof options.repo !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(options.repo) || /^\.+$/.test(options.repo)) {
    throw invalid(`${where}: \`repo\` must be a repository name, got ${JSON.stringify(options.repo)}`);
  }
  const baseUrl = (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw invalid(`${where}: \`baseUrl\` is not a URL: ${baseUrl}`);
  }
  if (!/^https?:$/.test(parsed.protocol) || parsed.search !== '' || parsed.hash !== '' || parsed.username !== '') {
    throw invalid(`${where}: \`baseUrl\` must be a plain http(s) URL without query, fragment or credentials`);
  }
  // The host becomes the pack's declared network capability, so it must be one a manifest accepts.
  if (!networkHostSchema.safeParse(parsed.host).success) {
    throw invalid(`${where}: \`baseUrl\` host "${parsed.host}" cannot be declared as a network capability (use a DNS name or an IP literal)`);
  }
  const limit = options.retry?.limit ?? 2;
  const maxWaitMs = options.retry?.maxWaitMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!Number.isInteger(limit) || limit < 0 || limit > 10) throw invalid(`${where}: \`retry.limit\` must be an integer from 0 to 10`);
  if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) throw invalid(`${where}: \`retry.maxWaitMs\` must be a non-negative number`);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw invalid(`${where}: \`timeoutMs\` must be a positive integer`);
  return { baseUrl, retry: { limit, maxWaitMs }, timeoutMs };
}

function invalid(message: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', message, { hint: 'See docs/packs/project-tracker.md for the options.' });
}
