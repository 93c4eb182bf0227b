import { describeTaskPackContract } from '@agentry/task-packs/testing';
import { afterAll } from 'vitest';
import { startFakeTracker } from './fixtures/fake-tracker-server';
import { createProjectTrackerPack } from './project-tracker-pack';

// The pack needs the fake's URL when it is created, before the suite is registered.
const tracker = await startFakeTracker({ token: 'contract-token' });
afterAll(() => tracker.close());

// The pack reaches the tracker only through ctx.fetch, so the kit must lend a fetch that can reach
// the fake (its default refuses every request); the kit still limits it to the declared host.
describeTaskPackContract(createProjectTrackerPack({ owner: 'acme', repo: 'widgets', token: 'contract-token', baseUrl: tracker.baseUrl }), {
  fixtures: [
    { name: 'get an issue', input: { op: 'get', number: 1 } },
    { name: 'list a page', input: { op: 'list', perPage: 2 } },
    { name: 'search the repository', input: { op: 'search', query: 'crash' } },
    { name: 'a missing issue', input: { op: 'get', number: 4040 }, error: 'AGENTRY_UPSTREAM_ERROR' },
    { name: 'an unknown operation', input: { op: 'delete', number: 1 }, error: 'AGENTRY_INVALID_INPUT' },
  ],
  fetch: (input, init) => fetch(input, init),
});
