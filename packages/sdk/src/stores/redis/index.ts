// @agentry/sdk/redis — the Redis implementations of the store interfaces. A separate entry so the
// root entry never loads ioredis: users without Redis do not pay for it.
export {
  createRedisConnection,
  type RedisConnectionOptions,
  type RedisStoreOptions,
} from './redis-connection';
export { createRedisKeyValueStore } from './redis-key-value-store';
export { createRedisCounterStore } from './redis-counter-store';
export { createRedisAppendLog, type RedisAppendLogOptions } from './redis-append-log';
