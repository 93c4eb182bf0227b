export * from './invocation';
export * from './middleware';
export * from './compose';
export * from './task-pack';
export * from './types';
export { createId } from './ids';
export { canonicalJson } from './canonical-json';
export { silentLogger } from './logger';
export { backoffDelay, parseRetryAfter, resolveRetryOptions, sleep, type RetryOptions, type ResolvedRetryOptions } from './backoff';
