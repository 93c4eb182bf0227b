import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../../../../test/support/redis-server';
import { describeAppendLogContract, describeCounterStoreContract, describeKeyValueStoreContract } from '../testing';
import { createRedisAppendLog, createRedisConnection, createRedisCounterStore, createRedisKeyValueStore } from './index';

let server: RedisServer;
let shared: Redis;
let prefixes = 0;
// Every test gets its own key prefix, so tests never see each other's keys in the one server.
const keyPrefix = (): string => `test:${process.pid}:${++prefixes}:`;

beforeAll(async () => {
  server = await startRedisServer();
  shared = await createRedisConnection(server.url);
});
afterAll(async () => {
  shared?.disconnect();
  await server?.stop();
});

// A URL: the store opens and closes its own connection.
describeKeyValueStoreContract('redis', () => createRedisKeyValueStore({ redis: server.url, keyPrefix: keyPrefix() }));
// A shared client: the store leaves it open on close.
describeCounterStoreContract('redis', () => createRedisCounterStore({ redis: shared, keyPrefix: keyPrefix() }));
describeAppendLogContract('redis', (options) => createRedisAppendLog({ redis: server.url, keyPrefix: keyPrefix(), ...options }));

describe('redis stores when Redis is unreachable or lost', () => {
  it('refuses a `redis` option that is neither a URL nor a client with AGENTRY_INVALID_OPTIONS', async () => {
    await expect(createRedisAppendLog({ redis: 42 as never })).rejects.toMatchObject({ code: 'AGENTRY_INVALID_OPTIONS' });
  });

  it('fails at start with AGENTRY_STORE_UNAVAILABLE naming the address when nothing listens there', async () => {
    const closed = await startRedisServer();
    await closed.stop();
    const failure = createRedisKeyValueStore({ redis: closed.url, connectTimeoutMs: 500 });
    await expect(failure).rejects.toMatchObject({ code: 'AGENTRY_STORE_UNAVAILABLE', status: 503, retryable: true });
    await expect(failure).rejects.toThrow(`127.0.0.1:${closed.port}`);
  });

  it('fails at start within connectTimeoutMs when given a client that cannot connect, instead of waiting on its queue', async () => {
    const closed = await startRedisServer();
    await closed.stop();
    const client = new Redis(closed.url, { lazyConnect: true });
    client.on('error', () => {});
    try {
      await expect(createRedisCounterStore({ redis: client, connectTimeoutMs: 300 })).rejects.toMatchObject({
        code: 'AGENTRY_STORE_UNAVAILABLE',
      });
    } finally {
      client.disconnect();
    }
  });

  it('rejects every operation with AGENTRY_STORE_UNAVAILABLE once Redis is lost, and works again when it returns', async () => {
    const doomed = await startRedisServer();
    const options = { redis: doomed.url, keyPrefix: keyPrefix() };
    const [keyValue, counters, log] = await Promise.all([
      createRedisKeyValueStore(options),
      createRedisCounterStore(options),
      createRedisAppendLog(options),
    ]);
    try {
      await keyValue.set('key', 'value');
      await doomed.stop();
      const unavailable = { code: 'AGENTRY_STORE_UNAVAILABLE' };
      await expect(keyValue.get('key')).rejects.toMatchObject(unavailable);
      await expect(keyValue.set('key', 'other')).rejects.toMatchObject(unavailable);
      await expect(keyValue.setIfAbsent('key', 'other')).rejects.toMatchObject(unavailable);
      await expect(counters.increment('count', 1)).rejects.toMatchObject(unavailable);
      await expect(counters.incrementIfWithin('count', 1, 10)).rejects.toMatchObject(unavailable);
      await expect(log.append('log', ['entry'])).rejects.toMatchObject(unavailable);
      await expect(log.read('log')).rejects.toMatchObject(unavailable);

      const revived = await startRedisServer({ port: doomed.port });
      try {
        await eventually(() => keyValue.set('key', 'back'));
        expect(await keyValue.get('key')).toBe('back');
        await eventually(() => counters.increment('count', 2));
        await eventually(() => log.append('log', ['entry']));
      } finally {
        await revived.stop();
      }
    } finally {
      await Promise.all([keyValue.close?.(), counters.close?.(), log.close?.()]);
    }
  });

  it('rejects with AGENTRY_STORE_UNAVAILABLE when Redis hangs instead of waiting for it', async () => {
    const frozen = await startRedisServer();
    const store = await createRedisKeyValueStore({ redis: frozen.url, keyPrefix: keyPrefix(), commandTimeoutMs: 200 });
    try {
      frozen.pause();
      await expect(store.get('key')).rejects.toMatchObject({ code: 'AGENTRY_STORE_UNAVAILABLE' });
    } finally {
      frozen.resume();
      await store.close?.();
      await frozen.stop();
    }
  });

  it('closes within its command deadline when Redis hangs, instead of waiting for QUIT forever', async () => {
    const frozen = await startRedisServer();
    const store = await createRedisKeyValueStore({ redis: frozen.url, keyPrefix: keyPrefix(), commandTimeoutMs: 200 });
    try {
      frozen.pause();
      const started = performance.now();
      await store.close?.();
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      frozen.resume();
      await frozen.stop();
    }
  });

  it('reports a command Redis refuses (wrong type) as AGENTRY_INTERNAL, not as an outage', async () => {
    const prefix = keyPrefix();
    const keyValue = await createRedisKeyValueStore({ redis: shared, keyPrefix: prefix });
    const counters = await createRedisCounterStore({ redis: shared, keyPrefix: prefix });
    await keyValue.set('mixed', { not: 'a number' });
    await expect(counters.increment('mixed', 1)).rejects.toMatchObject({ code: 'AGENTRY_INTERNAL' });
  });
});

async function eventually<T>(action: () => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
