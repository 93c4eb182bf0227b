import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run by its SHA1 (EVALSHA), sending the source only when Redis does not know it yet. */
export interface RedisScript {
  run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

/**
 * Wraps a Lua script. Scripts run atomically in Redis, which is what makes read-check-write
 * operations such as `incrementIfWithin` safe across replicas. Unlike `defineCommand`, this does
 * not add methods to a client the caller may share.
 */
export function createRedisScript(source: string): RedisScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(client, keys, args) {
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        // After a restart or SCRIPT FLUSH the cache is empty: load the script by sending it once.
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}
