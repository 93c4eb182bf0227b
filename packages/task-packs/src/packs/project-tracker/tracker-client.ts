import { AgentryError } from '@agentry/sdk';
import { z } from 'zod';
import { pageOf, parseLinkHeader } from './link-header';
import type { TrackerCall, TrackerHttp, TrackerResponse, TrackerScope } from './tracker-http';
import {
  githubCommentSchema,
  githubIssueSchema,
  githubSearchSchema,
  toTrackerComment,
  toTrackerIssue,
  type TrackerComment,
  type TrackerIssue,
} from './tracker-schemas';

/** Which issues to page through. */
export interface PageRequest {
  /** First page, 1-based. */
  page: number;
  perPage: number;
  /** Pages to follow through `Link: rel="next"`. */
  pages: number;
}

/** A page (or run of pages) of issues and where to continue. */
export interface IssuePage {
  issues: TrackerIssue[];
  /** The page to ask for next, or null on the last page. */
  nextPage: number | null;
}

/**
 * Issue operations on one repository of a GitHub-compatible tracker. Each takes the invocation's
 * scope (`ctx.signal` and `ctx.fetch`), so the client holds no HTTP client of its own.
 */
export interface TrackerClient {
  list(request: PageRequest & { state: 'open' | 'closed' | 'all'; labels?: string[] }, scope: TrackerScope): Promise<IssuePage>;
  search(
    request: PageRequest & { query: string; state: 'open' | 'closed' | 'all' },
    scope: TrackerScope
  ): Promise<IssuePage & { total: number }>;
  get(number: number, scope: TrackerScope): Promise<TrackerIssue>;
  create(issue: { title: string; body?: string; labels?: string[]; assignees?: string[] }, scope: TrackerScope): Promise<TrackerIssue>;
  comment(number: number, body: string, scope: TrackerScope): Promise<TrackerComment>;
  transition(number: number, state: 'open' | 'closed', reason: string | undefined, scope: TrackerScope): Promise<TrackerIssue>;
}

/**
 * The GitHub Issues REST API v3 client behind the pack. It is scoped to one repository: every
 * path is built from the configured owner and repo, and search queries are pinned to it.
 */
export function createTrackerClient(http: TrackerHttp, owner: string, repo: string): TrackerClient {
  const slug = `${owner}/${repo}`;
  const issuesPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/issues`;
  // Only the signal and fetch are taken from the scope, which may be the whole handler context.
  const send = (scope: TrackerScope, call: Omit<TrackerCall, keyof TrackerScope>) =>
    http.send({ ...call, signal: scope.signal, fetch: scope.fetch });

  async function pages<Item>(
    operation: string,
    first: { target: string; query: Record<string, string | number | undefined> },
    count: number,
    read: (response: TrackerResponse) => Item[],
    scope: TrackerScope
  ): Promise<{ items: Item[]; next: string | undefined }> {
    const items: Item[] = [];
    let response = await send(scope, { operation, method: 'GET', target: first.target, query: first.query });
    for (let page = 1; ; page++) {
      items.push(...read(response));
      const next = parseLinkHeader(response.headers.link).next;
      if (next === undefined || page >= count) return { items, next };
      response = await send(scope, { operation, method: 'GET', target: next });
    }
  }

  const issueList = z.array(githubIssueSchema);
  const onlyIssues = (response: TrackerResponse, operation: string) =>
    parse(issueList, response.body, operation)
      // GitHub's issues endpoints also return pull requests; this connector is about issues.
      .filter((issue) => issue.pull_request === undefined)
      .map(toTrackerIssue);

  return {
    async list(request, scope) {
      const operation = `list ${slug}`;
      const { items, next } = await pages(
        operation,
        {
          target: issuesPath,
          query: { state: request.state, labels: request.labels?.join(','), per_page: request.perPage, page: request.page },
        },
        request.pages,
        (response) => onlyIssues(response, operation),
        scope
      );
      return { issues: items, nextPage: pageOf(next) };
    },
    async search(request, scope) {
      const operation = `search ${slug}`;
      const qualifiers = [`repo:${slug}`, 'is:issue', ...(request.state === 'all' ? [] : [`state:${request.state}`])];
      let total = 0;
      const { items, next } = await pages(
        operation,
        {
          target: '/search/issues',
          query: { q: `${request.query} ${qualifiers.join(' ')}`, per_page: request.perPage, page: request.page },
        },
        request.pages,
        (response) => {
          const result = parse(githubSearchSchema, response.body, operation);
          total = result.total_count;
          return result.items.filter((issue) => issue.pull_request === undefined).map(toTrackerIssue);
        },
        scope
      );
      return { issues: items, nextPage: pageOf(next), total };
    },
    async get(number, scope) {
      const operation = `get ${slug}#${number}`;
      const response = await send(scope, { operation, method: 'GET', target: `${issuesPath}/${number}` });
      return toTrackerIssue(parse(githubIssueSchema, response.body, operation));
    },
    async create(issue, scope) {
      const operation = `create ${slug}`;
      const response = await send(scope, { operation, method: 'POST', target: issuesPath, body: issue });
      return toTrackerIssue(parse(githubIssueSchema, response.body, operation));
    },
    async comment(number, body, scope) {
      const operation = `comment ${slug}#${number}`;
      const response = await send(scope, { operation, method: 'POST', target: `${issuesPath}/${number}/comments`, body: { body } });
      return toTrackerComment(parse(githubCommentSchema, response.body, operation));
    },
    async transition(number, state, reason, scope) {
      const operation = `transition ${slug}#${number}`;
      const body = { state, ...(reason === undefined ? {} : { state_reason: reason }) };
      const response = await send(scope, { operation, method: 'PATCH', target: `${issuesPath}/${number}`, body });
      return toTrackerIssue(parse(githubIssueSchema, response.body, operation));
    },
  };
}

function parse<Schema extends z.ZodType>(schema: Schema, body: unknown, operation: string): z.infer<Schema> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new AgentryError(
      'AGENTRY_UPSTREAM_ERROR',
      `project-tracker ${operation}: the tracker's answer does not look like the GitHub Issues API`,
      {
        retryable: false,
        details: result.error.issues.slice(0, 5).map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
        hint: 'Check that `baseUrl` points at a GitHub-compatible REST API (v3).',
      }
    );
  }
  return result.data;
}
