import { AgentryError } from '@agentry/sdk';
import { z } from 'zod';
import { pageOf, parseLinkHeader } from './link-header';
import type { TrackerHttp, TrackerResponse } from './tracker-http';
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

/** Issue operations on one repository of a GitHub-compatible tracker. */
export interface TrackerClient {
  list(request: PageRequest & { state: 'open' | 'closed' | 'all'; labels?: string[] }, signal: AbortSignal): Promise<IssuePage>;
  search(
    request: PageRequest & { query: string; state: 'open' | 'closed' | 'all' },
    signal: AbortSignal
  ): Promise<IssuePage & { total: number }>;
  get(number: number, signal: AbortSignal): Promise<TrackerIssue>;
  create(issue: { title: string; body?: string; labels?: string[]; assignees?: string[] }, signal: AbortSignal): Promise<TrackerIssue>;
  comment(number: number, body: string, signal: AbortSignal): Promise<TrackerComment>;
  transition(number: number, state: 'open' | 'closed', reason: string | undefined, signal: AbortSignal): Promise<TrackerIssue>;
}

/**
 * The GitHub Issues REST API v3 client behind the pack. It is scoped to one repository: every
 * path is built from the configured owner and repo, and search queries are pinned to it.
 */
export function createTrackerClient(http: TrackerHttp, owner: string, repo: string): TrackerClient {
  const slug = `${owner}/${repo}`;
  const issuesPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/issues`;

  async function pages<Item>(
    operation: string,
    first: { target: string; query: Record<string, string | number | undefined> },
    count: number,
    read: (response: TrackerResponse) => Item[],
    signal: AbortSignal
  ): Promise<{ items: Item[]; next: string | undefined }> {
    const items: Item[] = [];
    let response = await http.send({ operation, method: 'GET', target: first.target, query: first.query, signal });
    for (let page = 1; ; page++) {
      items.push(...read(response));
      const next = parseLinkHeader(response.headers.link).next;
      if (next === undefined || page >= count) return { items, next };
      response = await http.send({ operation, method: 'GET', target: next, signal });
    }
  }

  const issueList = z.array(githubIssueSchema);
  const onlyIssues = (response: TrackerResponse, operation: string) =>
    parse(issueList, response.body, operation)
      // GitHub's issues endpoints also return pull requests; this connector is about issues.
      .filter((issue) => issue.pull_request === undefined)
      .map(toTrackerIssue);

  return {
    async list(request, signal) {
      const operation = `list ${slug}`;
      const { items, next } = await pages(
        operation,
        {
          target: issuesPath,
          query: { state: request.state, labels: request.labels?.join(','), per_page: request.perPage, page: request.page },
        },
        request.pages,
        (response) => onlyIssues(response, operation),
        signal
      );
      return { issues: items, nextPage: pageOf(next) };
    },
    async search(request, signal) {
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
        signal
      );
      return { issues: items, nextPage: pageOf(next), total };
    },
    async get(number, signal) {
      const operation = `get ${slug}#${number}`;
      const response = await http.send({ operation, method: 'GET', target: `${issuesPath}/${number}`, signal });
      return toTrackerIssue(parse(githubIssueSchema, response.body, operation));
    },
    async create(issue, signal) {
      const operation = `create ${slug}`;
      const response = await http.send({ operation, method: 'POST', target: issuesPath, body: issue, signal });
      return toTrackerIssue(parse(githubIssueSchema, response.body, operation));
    },
    async comment(number, body, signal) {
      const operation = `comment ${slug}#${number}`;
      const response = await http.send({ operation, method: 'POST', target: `${issuesPath}/${number}/comments`, body: { body }, signal });
      return toTrackerComment(parse(githubCommentSchema, response.body, operation));
    },
    async transition(number, state, reason, signal) {
      const operation = `transition ${slug}#${number}`;
      const body = { state, ...(reason === undefined ? {} : { state_reason: reason }) };
      const response = await http.send({ operation, method: 'PATCH', target: `${issuesPath}/${number}`, body, signal });
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
