// @agentry/sdk/redis — Redis implementations of the store interfaces (ioredis). Node only; kept
// off the root entry so applications that never use Redis never load ioredis.
export * from '../stores/redis';
