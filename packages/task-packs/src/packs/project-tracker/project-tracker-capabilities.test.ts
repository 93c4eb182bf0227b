import { AgentryError, createRuntime, taskPackHost, type TaskPackFetch, type TaskPackHost } from '@agentry/sdk';
import { checkTaskPackContract } from '@agentry/task-packs/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTracker, type FakeTracker } from './fixtures/fake-tracker-server';
import { projectTrackerCapabilities } from './project-tracker-capabilities';
import { createProjectTrackerPack, type ProjectTrackerOptions } from './project-tracker-pack';

const token = 'ghp_capability_token';
let tracker: FakeTracker;
// A second local server stands for "another host": undeclared, and it records whether anything reached it.
let other: FakeTracker;

beforeEach(async () => {
  [tracker, other] = await Promise.all([startFakeTracker({ token }), startFakeTracker({ token })]);
});
afterEach(async () => {
  await Promise.all([tracker.close(), other.close()]);
});

/** A host fetch that records every URL it is asked for, then really fetches it. */
function recordingFetch(): TaskPackFetch & { urls: string[] } {
  const urls: string[] = [];
  const recording = async (input: string | URL | Request, init?: RequestInit) => {
    urls.push(input instanceof Request ? input.url : input.toString());
    return fetch(input, init);
  };
  return Object.assign(recording, { urls });
}

function invoke(host: TaskPackHost, input: Record<string, unknown>, options: Partial<ProjectTrackerOptions> = {}) {
  const pack = createProjectTrackerPack({ owner: 'acme', repo: 'widgets', token, baseUrl: tracker.baseUrl, ...options });
  return createRuntime({ packs: [pack], middleware: [taskPackHost(host)] }).invoke({ agent: 'project-tracker', input, tenant: 'acme' });
}

describe('project-tracker capabilities', () => {
  it('declares only the host of baseUrl (port included), no tools, no model, and that it is not deterministic', () => {
    const github = createProjectTrackerPack({ owner: 'acme', repo: 'widgets' });
    expect(github.manifest.capabilities).toEqual(projectTrackerCapabilities);
    expect(github.deterministic).toBe(false);
    expect(github.manifest.deterministic).toBe(false);
    const enterprise = createProjectTrackerPack({ owner: 'acme', repo: 'widgets', baseUrl: 'https://GHE.example.com/api/v3/' });
    expect(enterprise.manifest.capabilities?.network.hosts).toEqual(['ghe.example.com']);
    const local = createProjectTrackerPack({ owner: 'acme', repo: 'widgets', baseUrl: tracker.baseUrl });
    expect(local.manifest.capabilities?.network.hosts).toEqual([new URL(tracker.baseUrl).host]);
    expect(local.capabilities.network.hosts[0]).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('refuses a baseUrl whose host cannot be declared as a capability with AGENTRY_INVALID_OPTIONS', () => {
    expect(() => createProjectTrackerPack({ owner: 'acme', repo: 'w', baseUrl: 'https://under_score.example' })).toThrow(
      expect.objectContaining({ code: 'AGENTRY_INVALID_OPTIONS', message: expect.stringContaining('baseUrl') })
    );
  });

  it('makes every tracker request through the host fetch lent by taskPackHost, none around it', async () => {
    const hostFetch = recordingFetch();
    await invoke({ fetch: hostFetch }, { op: 'list', perPage: 3, pages: 5 });
    await invoke({ fetch: hostFetch }, { op: 'create', title: 'Through ctx.fetch' });
    await invoke({ fetch: hostFetch }, { op: 'transition', number: 9, state: 'closed' });
    expect(tracker.requests.map((seen) => `${tracker.baseUrl}${seen.url}`)).toEqual(hostFetch.urls);
    expect(hostFetch.urls).toHaveLength(5);

    // A host whose fetch reaches nothing leaves the pack no way to the tracker.
    const refusing: TaskPackFetch = async () => {
      throw new AgentryError('AGENTRY_CONNECTION_FAILED', 'this host lends no network', { retryable: false });
    };
    await expect(invoke({ fetch: refusing }, { op: 'get', number: 1 })).rejects.toMatchObject({ code: 'AGENTRY_CONNECTION_FAILED' });
    expect(tracker.requests).toHaveLength(5);
  });

  it('follows a redirect within the declared host, token included', async () => {
    // GitHub answers 301 for a renamed repository; ctx.fetch follows it as fetch does.
    tracker.fail({ status: 301, match: /\/issues\/1$/, headers: { location: `${tracker.baseUrl}/repos/acme/widgets/issues/2` } });
    const result = await invoke({ fetch: recordingFetch() }, { op: 'get', number: 1 });
    expect(result.output).toMatchObject({ op: 'get', issue: { number: 2 } });
    expect(tracker.requests.map((seen) => [seen.url, seen.authorization])).toEqual([
      ['/repos/acme/widgets/issues/1', `Bearer ${token}`],
      ['/repos/acme/widgets/issues/2', `Bearer ${token}`],
    ]);
  });

  // The pack never sees redirect hops: ctx.fetch follows them and checks each hop against the
  // declared hosts before requesting it, so the capability refusal is what fires.
  it('refuses a redirect to an undeclared host with AGENTRY_CAPABILITY_DENIED before the hop is requested', async () => {
    const records: Array<{ type: string; capability?: string; name?: string }> = [];
    tracker.fail({ status: 302, headers: { location: `${other.baseUrl}/repos/acme/widgets/issues/1` } });
    await expect(
      invoke({ fetch: recordingFetch(), telemetry: (record) => void records.push(record as never) }, { op: 'get', number: 1 })
    ).rejects.toMatchObject({
      code: 'AGENTRY_CAPABILITY_DENIED',
      message: expect.stringContaining(`may not reach host "${new URL(other.baseUrl).host}"`),
    });
    expect(other.requests).toHaveLength(0);
    expect(records).toContainEqual(expect.objectContaining({ type: 'capability-denied', capability: 'network', name: new URL(other.baseUrl).host }));
  });

  // A pagination link is a URL the pack itself resolves before calling ctx.fetch, and its check
  // (same origin and under baseUrl's path) is stricter than the declared host, so it fires first.
  it('refuses a pagination link to an undeclared host by its own same-origin check, before ctx.fetch is asked', async () => {
    const hostFetch = recordingFetch();
    tracker.fail({ status: 200, body: [], headers: { link: `<${other.baseUrl}/repos/acme/widgets/issues?page=2>; rel="next"` } });
    await expect(invoke({ fetch: hostFetch }, { op: 'list', pages: 2 })).rejects.toMatchObject({
      code: 'AGENTRY_UPSTREAM_ERROR',
      retryable: false,
      message: expect.stringContaining(`refusing to follow ${other.baseUrl}`),
    });
    expect(hostFetch.urls).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it('refuses a pagination link outside baseUrl even on the declared host, where the capability alone would allow it', async () => {
    const hostFetch = recordingFetch();
    // Faults answer any path, so the fake can stand in for an API rooted at /api/v3.
    tracker.fail({ status: 200, body: [], headers: { link: `<${tracker.baseUrl}/elsewhere?page=2>; rel="next"` } });
    await expect(invoke({ fetch: hostFetch }, { op: 'list', pages: 2 }, { baseUrl: `${tracker.baseUrl}/api/v3` })).rejects.toMatchObject({
      code: 'AGENTRY_UPSTREAM_ERROR',
      message: expect.stringContaining('refusing to follow'),
    });
    expect(tracker.requests.map((seen) => seen.url)).toEqual(['/api/v3/repos/acme/widgets/issues?state=open&per_page=30&page=1']);
  });
});

describe('project-tracker under the contract kit', () => {
  const fixtures = [
    { name: 'get an issue', input: { op: 'get', number: 1 } },
    { name: 'a missing issue', input: { op: 'get', number: 4040 }, error: 'AGENTRY_UPSTREAM_ERROR' as const },
  ];

  it("routes the pack's requests through the kit's fetch, so the capability and cancellation checks exercise it", async () => {
    const kitFetch = recordingFetch();
    const pack = createProjectTrackerPack({ owner: 'acme', repo: 'widgets', token, baseUrl: tracker.baseUrl });
    const report = await checkTaskPackContract(pack, { fixtures, fetch: kitFetch });
    expect(report.failures).toEqual([]);
    const status = Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
    expect(status).toMatchObject({ capabilities: 'passed', cancellation: 'passed', determinism: 'skipped' });
    expect(report.checks.find((check) => check.id === 'determinism')?.reason).toContain('deterministic: false');
    expect(kitFetch.urls).toContain(`${tracker.baseUrl}/repos/acme/widgets/issues/1`);
  });

  it('fails the capability check when the tracker redirects a fixture to an undeclared host', async () => {
    const elsewhere = `${other.baseUrl}/repos/acme/widgets/issues/1`;
    const redirecting: TaskPackFetch = async (input, init) =>
      input.toString().endsWith('/issues/1') && !input.toString().startsWith(other.baseUrl)
        ? new Response(null, { status: 302, headers: { location: elsewhere } })
        : fetch(input, init);
    const pack = createProjectTrackerPack({ owner: 'acme', repo: 'widgets', token, baseUrl: tracker.baseUrl });
    const report = await checkTaskPackContract(pack, { fixtures, fetch: redirecting });
    const capabilities = report.checks.find((check) => check.id === 'capabilities')!;
    expect(capabilities.status).toBe('failed');
    expect(capabilities.failures[0]!.message).toMatch(
      new RegExp(`fixture "get an issue" used an undeclared capability: .*may not reach host "${new URL(other.baseUrl).host}"`)
    );
    expect(other.requests).toHaveLength(0);
  });
});
