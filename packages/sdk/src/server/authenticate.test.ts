import { describe, expect, it } from 'vitest';
import { createAuthenticator, createTenantResolver } from './authenticate';

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

describe('createTenantResolver with connections', () => {
  const resolve = createTenantResolver({ 'key-one': { tenant: 'one' }, 'key-two': { tenant: 'two' } });

  it('answers each request of a keep-alive connection with the tenant of the key it sends', () => {
    const connection = {};
    expect(resolve('Bearer key-one', connection)).toBe('one');
    expect(resolve('Bearer key-one', connection)).toBe('one');
    // Another key on the same connection (a proxy multiplexing clients) is looked up on its own.
    expect(resolve('Bearer key-two', connection)).toBe('two');
    expect(resolve('Bearer key-one', connection)).toBe('one');
  });

  it('never lets a remembered key answer for another key, nor for another connection', () => {
    const first = {};
    const second = {};
    expect(resolve('Bearer key-one', first)).toBe('one');
    // Same length as the remembered header, one character off.
    for (const header of ['Bearer key-onf', 'Bearer key-on', 'Bearer key-one2', 'Basic key-one', undefined]) {
      expect(() => resolve(header, first)).toThrow(expect.objectContaining({ code: 'AGENTRY_UNAUTHORIZED' }));
    }
    expect(resolve('Bearer key-two', second)).toBe('two');
    expect(resolve('Bearer key-one', first)).toBe('one');
  });

  it('remembers no refused key', () => {
    const connection = {};
    expect(() => resolve('Bearer unknown', connection)).toThrow(expect.objectContaining({ code: 'AGENTRY_UNAUTHORIZED' }));
    expect(() => resolve('Bearer unknown', connection)).toThrow(expect.objectContaining({ code: 'AGENTRY_UNAUTHORIZED' }));
    expect(resolve('Bearer key-two', connection)).toBe('two');
  });

  it('asks a lookup function on every request, so a revoked key stops working at once', async () => {
    let revoked = false;
    const lookup = createTenantResolver(async (key) => (key === 'ok' && !revoked ? { tenant: 't' } : undefined));
    const connection = {};
    await expect(lookup('Bearer ok', connection)).resolves.toBe('t');
    revoked = true;
    await expect(lookup('Bearer ok', connection)).rejects.toMatchObject({ code: 'AGENTRY_UNAUTHORIZED' });
  });
});
