export { cacheMiddleware, type CacheMiddleware } from './cache-middleware';
export type { CacheOptions, RevalidateVerdict } from './cache-options';
export type { CacheStats } from './cache-stats';
export type { CacheTarget } from './cache-key';
