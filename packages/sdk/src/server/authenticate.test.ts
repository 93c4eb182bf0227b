import { describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticate';

describe('createAuthenticator', () => {
  const authenticate = createAuthenticator({ 'key-one': { tenant: 'one' }, 'key-two': { tenant: 'two' } });

  it('maps a known Bearer key to its tenant, whatever the scheme case', async () => {
    await expect(authenticate('Bearer key-one')).resolves.toBe('one');
    await expect(authenticate('BEARER key-two')).resolves.toBe('two');
  });

  it('refuses a missing header, another scheme, an empty token and an unknown or near-miss key', async () => {
    for (const header of [undefined, '', 'Basic a2V5LW9uZQ==', 'Bearer ', 'Bearer key-on', 'Bearer key-one2', 'key-one']) {
      await expect(authenticate(header)).rejects.toMatchObject({ code: 'AGENTRY_UNAUTHORIZED', status: 401 });
    }
  });

  it('uses a lookup function and turns its plain failures into AGENTRY_INTERNAL', async () => {
    const lookup = createAuthenticator(async (key) => (key === 'ok' ? { tenant: 't' } : undefined));
    await expect(lookup('Bearer ok')).resolves.toBe('t');
    await expect(lookup('Bearer nope')).rejects.toMatchObject({ code: 'AGENTRY_UNAUTHORIZED' });
    const broken = createAuthenticator(async () => {
      throw new Error('database down');
    });
    await expect(broken('Bearer ok')).rejects.toMatchObject({ code: 'AGENTRY_INTERNAL' });
  });
});
