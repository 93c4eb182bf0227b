import { createRuntime, taskPackHost, type Runtime, type TaskPackFetch } from '@agentry/sdk';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTracker, type FakeTracker } from './fixtures/fake-tracker-server';
import { createProjectTrackerPack, type ProjectTrackerOptions } from './project-tracker-pack';
import type { ProjectTrackerOutput } from './project-tracker-schemas';
import type { TrackerClock } from './tracker-http';

const token = 'ghp_test_token';
let tracker: FakeTracker;
const dispatcher = new Agent({ keepAliveTimeout: 1_000 });
// The host's HTTP client under ctx.fetch, lent the way an operator would (proxy, pool): by taskPackHost.
const hostFetch: TaskPackFetch = (input, init) =>
  undiciFetch(input as string, { ...(init as object), dispatcher }) as unknown as Promise<Response>;

beforeEach(async () => {
  tracker = await startFakeTracker({ token, issueCount: 7 });
});
afterEach(async () => {
  await tracker.close();
});
afterAll(async () => {
  await dispatcher.close();
});

/** A clock that records waits instead of sleeping, so rate-limit tests take no time. */
function recordingClock(nowMs = Date.UTC(2025, 0, 1)): TrackerClock & { waits: number[] } {
  const waits: number[] = [];
  return { waits, now: () => nowMs, sleep: async (ms) => void waits.push(ms) };
}

function runtimeFor(options: Partial<ProjectTrackerOptions> = {}): Runtime {
  const pack = createProjectTrackerPack({ owner: 'acme', repo: 'widgets', token, baseUrl: tracker.baseUrl, ...options });
  return createRuntime({ packs: [pack], middleware: [taskPackHost({ fetch: hostFetch })] });
}

async function run<Op extends ProjectTrackerOutput['op']>(
  runtime: Runtime,
  input: { op: Op } & Record<string, unknown>,
  signal?: AbortSignal
): Promise<Extract<ProjectTrackerOutput, { op: Op }>> {
  const result = await runtime.invoke({ agent: 'project-tracker', input, tenant: 'acme', ...(signal ? { signal } : {}) });
  return result.output as Extract<ProjectTrackerOutput, { op: Op }>;
}

describe('project-tracker pack against a fake GitHub Issues API', () => {
  it('lists one page and reports the next page from the Link header', async () => {
    const output = await run(runtimeFor(), { op: 'list', perPage: 3 });
    // Like GitHub, the page holds the pull request #8 too, which the connector leaves out.
    expect(output.issues.map((issue) => issue.number)).toEqual([7, 6]);
    expect(output.nextPage).toBe(2);
    expect(tracker.requests[0]!.url).toBe('/repos/acme/widgets/issues?state=open&per_page=3&page=1');
    expect(tracker.requests[0]!.authorization).toBe(`Bearer ${token}`);
  });

  it('follows rel="next" links across pages and leaves pull requests out', async () => {
    const output = await run(runtimeFor(), { op: 'list', perPage: 3, pages: 5 });
    // 7 issues and 1 pull request over 3 pages; the pull request (#8) is dropped.
    expect(output.issues.map((issue) => issue.number)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(output.nextPage).toBeNull();
    expect(tracker.requests).toHaveLength(3);
  });

  it('passes state and label filters through', async () => {
    tracker.issues[2]!.state = 'closed';
    const output = await run(runtimeFor(), { op: 'list', state: 'closed', labels: ['bug'] });
    expect(output.issues.map((issue) => [issue.number, issue.state, issue.labels])).toEqual([[3, 'closed', ['bug']]]);
  });

  it('searches within the configured repository only', async () => {
    const output = await run(runtimeFor(), { op: 'search', query: 'crash', state: 'open' });
    expect(output.total).toBe(3);
    expect(output.issues.every((issue) => issue.title.includes('crash'))).toBe(true);
    expect(new URL(tracker.requests[0]!.url, tracker.baseUrl).searchParams.get('q')).toBe('crash repo:acme/widgets is:issue state:open');
  });

  it('refuses a search qualifier that would widen it to another repository', async () => {
    await expect(run(runtimeFor(), { op: 'search', query: 'secret repo:other/private' })).rejects.toMatchObject({
      code: 'AGENTRY_INVALID_INPUT',
      details: [{ path: 'query' }],
    });
    expect(tracker.requests).toHaveLength(0);
  });

  it('gets an issue in the normalised shape', async () => {
    const { issue } = await run(runtimeFor(), { op: 'get', number: 3 });
    expect(issue).toEqual({
      number: 3,
      title: 'Issue 3: slow dashboard',
      body: 'Body of issue 3',
      state: 'open',
      stateReason: null,
      labels: ['bug'],
      assignees: [],
      author: 'octocat',
      url: 'https://github.example/acme/widgets/issues/3',
      createdAt: '2025-01-01T00:03:00.000Z',
      updatedAt: '2025-01-01T00:03:00.000Z',
      closedAt: null,
      comments: 0,
    });
  });

  it('creates an issue, comments on it, closes it as not planned and reopens it', async () => {
    const runtime = runtimeFor();
    const { issue } = await run(runtime, { op: 'create', title: 'Export fails', body: 'Steps…', labels: ['bug'], assignees: ['mona'] });
    expect(issue).toMatchObject({ number: 9, title: 'Export fails', labels: ['bug'], assignees: ['mona'], state: 'open' });
    const { comment } = await run(runtime, { op: 'comment', number: 9, body: 'Reproduced on 2.3.' });
    expect(comment).toMatchObject({ body: 'Reproduced on 2.3.', author: 'octocat' });
    const closed = await run(runtime, { op: 'transition', number: 9, state: 'closed', reason: 'not_planned' });
    expect(closed.issue).toMatchObject({ state: 'closed', stateReason: 'not_planned', comments: 1 });
    const reopened = await run(runtime, { op: 'transition', number: 9, state: 'open' });
    expect(reopened.issue).toMatchObject({ state: 'open', stateReason: 'reopened', closedAt: null });
  });

  it('refuses a transition reason that does not fit the target state', async () => {
    await expect(run(runtimeFor(), { op: 'transition', number: 1, state: 'open', reason: 'completed' })).rejects.toMatchObject({
      code: 'AGENTRY_INVALID_INPUT',
    });
  });

  it('refuses an unknown operation through the input schema', async () => {
    await expect(run(runtimeFor(), { op: 'delete' as 'get', number: 1 })).rejects.toMatchObject({ code: 'AGENTRY_INVALID_INPUT' });
  });

  it('succeeds after a 429 by honouring Retry-After (real wait)', async () => {
    tracker.fail({ status: 429, headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit.' } });
    const output = await run(runtimeFor(), { op: 'get', number: 2 });
    expect(output.issue.number).toBe(2);
    expect(tracker.requests).toHaveLength(2);
    // The retry came no earlier than the server asked (a lower bound, not a speed check).
    expect(tracker.requests[1]!.at - tracker.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('waits until x-ratelimit-reset on a 403 with no remaining requests', async () => {
    const clock = recordingClock();
    const reset = Math.floor(clock.now() / 1000) + 7;
    tracker.fail({
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded' },
    });
    const output = await run(runtimeFor({ clock }), { op: 'list' });
    expect(output.issues).toHaveLength(7);
    expect(clock.waits).toEqual([7_000]);
  });

  it('fails at once with AGENTRY_RATE_LIMITED when the wait exceeds maxWaitMs', async () => {
    const clock = recordingClock();
    tracker.fail({ status: 429, headers: { 'retry-after': '120' } });
    await expect(run(runtimeFor({ clock }), { op: 'get', number: 1 })).rejects.toMatchObject({
      code: 'AGENTRY_RATE_LIMITED',
      retryable: true,
      retryAfterSeconds: 120,
    });
    expect(clock.waits).toEqual([]);
  });

  it('gives up with AGENTRY_RATE_LIMITED after the retry limit', async () => {
    const clock = recordingClock();
    for (let index = 0; index < 3; index++) tracker.fail({ status: 429, headers: { 'retry-after': '2' } });
    await expect(run(runtimeFor({ clock, retry: { limit: 2 } }), { op: 'get', number: 1 })).rejects.toMatchObject({
      code: 'AGENTRY_RATE_LIMITED',
      details: { attempts: 3 },
    });
    expect(clock.waits).toEqual([2_000, 2_000]);
  });

  it('treats a 403 without rate-limit headers as a permission error, not a rate limit', async () => {
    tracker.fail({ status: 403, body: { message: 'Resource not accessible by integration' } });
    await expect(run(runtimeFor({ clock: recordingClock() }), { op: 'create', title: 'x' })).rejects.toMatchObject({
      code: 'AGENTRY_UPSTREAM_ERROR',
      retryable: false,
      details: { upstreamStatus: 403, upstreamMessage: 'Resource not accessible by integration' },
    });
  });

  it('retries a 503 on GET but never on POST, so an issue is not created twice', async () => {
    const clock = recordingClock();
    tracker.fail({ status: 503, match: /^GET / });
    expect((await run(runtimeFor({ clock }), { op: 'get', number: 1 })).issue.number).toBe(1);
    tracker.fail({ status: 503, match: /^POST / });
    await expect(run(runtimeFor({ clock }), { op: 'create', title: 'once' })).rejects.toMatchObject({
      code: 'AGENTRY_UPSTREAM_ERROR',
      retryable: true,
    });
    expect(tracker.requests.filter((seen) => seen.method === 'POST')).toHaveLength(1);
    expect(tracker.issues.some((issue) => issue.title === 'once')).toBe(false);
  });

  it('maps a bad token, a missing issue and a validation failure to coded errors', async () => {
    await expect(run(runtimeFor({ token: 'wrong' }), { op: 'get', number: 1 })).rejects.toMatchObject({
      code: 'AGENTRY_UPSTREAM_ERROR',
      retryable: false,
      details: { upstreamStatus: 401, upstreamMessage: 'Bad credentials' },
    });
    await expect(run(runtimeFor(), { op: 'get', number: 404 })).rejects.toMatchObject({
      code: 'AGENTRY_UPSTREAM_ERROR',
      message: expect.stringContaining('get acme/widgets#404'),
      details: { upstreamStatus: 404 },
    });
    tracker.fail({ status: 422, match: /^POST /, body: { message: 'Validation Failed', errors: [{ field: 'labels', code: 'invalid' }] } });
    await expect(run(runtimeFor(), { op: 'create', title: 'bad labels' })).rejects.toMatchObject({
      code: 'AGENTRY_INVALID_INPUT',
      details: { errors: [{ field: 'labels', code: 'invalid' }] },
    });
  });

  it('turns a dropped connection into a retryable AGENTRY_UPSTREAM_ERROR once retries are spent', async () => {
    for (let index = 0; index < 3; index++) tracker.fail({ status: 0, destroy: true });
    await expect(run(runtimeFor({ clock: recordingClock() }), { op: 'get', number: 1 })).rejects.toMatchObject({
      code: 'AGENTRY_UPSTREAM_ERROR',
      retryable: true,
    });
  });

  it('refuses to follow a pagination link to another host (the token would leak)', async () => {
    tracker.fail({ status: 200, body: [], headers: { link: '<https://evil.example/steal?page=2>; rel="next"' } });
    await expect(run(runtimeFor(), { op: 'list', pages: 2 })).rejects.toMatchObject({
      code: 'AGENTRY_UPSTREAM_ERROR',
      message: expect.stringContaining('refusing to follow https://evil.example'),
    });
  });

  it('rejects an answer that is not shaped like the GitHub API', async () => {
    tracker.fail({ status: 200, body: { hello: 'world' } });
    await expect(run(runtimeFor(), { op: 'get', number: 1 })).rejects.toMatchObject({ code: 'AGENTRY_UPSTREAM_ERROR', retryable: false });
  });

  it('stops waiting out a rate limit when the caller aborts', async () => {
    tracker.fail({ status: 429, headers: { 'retry-after': '5' } });
    const controller = new AbortController();
    const pending = run(runtimeFor(), { op: 'get', number: 1 }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'AGENTRY_CANCELLED' });
    expect(tracker.requests).toHaveLength(1);
  });

  it('refuses invalid options with AGENTRY_INVALID_OPTIONS', () => {
    expect(() => createProjectTrackerPack({ owner: '../x', repo: 'widgets' })).toThrow(
      expect.objectContaining({ code: 'AGENTRY_INVALID_OPTIONS' })
    );
    expect(() => createProjectTrackerPack({ owner: 'acme', repo: '..' })).toThrow(/repo/);
    expect(() => createProjectTrackerPack({ owner: 'acme', repo: 'w', baseUrl: 'ftp://x' })).toThrow(/baseUrl/);
    expect(() => createProjectTrackerPack({ owner: 'acme', repo: 'w', retry: { limit: -1 } })).toThrow(/retry.limit/);
  });

  it('publishes an object-typed JSON Schema for its operation union', () => {
    const pack = createProjectTrackerPack({ owner: 'acme', repo: 'widgets' });
    expect(pack.manifest.inputSchema).toMatchObject({ type: 'object' });
    expect((pack.manifest.inputSchema as { oneOf: unknown[] }).oneOf).toHaveLength(6);
  });
});
