import { createHash } from 'node:crypto';
import { AgentryError } from '../contract';
import { canonicalJson } from '../core/canonical-json';
import type { KeyValueStore } from '../stores/key-value-store';

interface IdempotencyRecord<Value> {
  fingerprint: string;
  status: 'running' | 'done';
  value?: Value;
}

/** Runs each (scope, key) once; a retry with the same key and request gets the first outcome. */
export interface IdempotencyGuard {
  run<Value>(scope: string, key: string, request: unknown, work: () => Promise<Value>): Promise<Value>;
}

/**
 * Records outcomes by key in a store. A retry while the first call runs in this process waits for
 * it; one that reaches another replica gets AGENTRY_IN_PROGRESS (retryable). A failed call leaves
 * no record, so its retry runs again. The same key with a different request is refused.
 */
export function createIdempotencyGuard(store: KeyValueStore, ttlMs: number): IdempotencyGuard {
  const inFlight = new Map<string, { fingerprint: string; promise: Promise<unknown> }>();

  return {
    async run<Value>(scope: string, key: string, request: unknown, work: () => Promise<Value>): Promise<Value> {
      const storeKey = `idem:${scope}:${key}`;
      const fingerprint = createHash('sha256').update(canonicalJson(request)).digest('base64url');
      const local = inFlight.get(storeKey);
      if (local !== undefined) {
        if (local.fingerprint !== fingerprint) throw conflict(key);
        return local.promise as Promise<Value>;
      }
      // Registered before the first await, so a concurrent retry in this process joins this run.
      const promise = claimAndRun();
      inFlight.set(storeKey, { fingerprint, promise });
      try {
        return await promise;
      } finally {
        inFlight.delete(storeKey);
      }

      async function claimAndRun(): Promise<Value> {
        const claimed = await store.setIfAbsent(storeKey, { fingerprint, status: 'running' } satisfies IdempotencyRecord<Value>, { ttlMs });
        if (!claimed) {
          const existing = await store.get<IdempotencyRecord<Value>>(storeKey);
          if (existing === undefined) return claimAndRun(); // expired between the two reads
          if (existing.fingerprint !== fingerprint) throw conflict(key);
          if (existing.status === 'done') return existing.value as Value;
          throw new AgentryError('AGENTRY_IN_PROGRESS', `a request with Idempotency-Key ${key} is still running`);
        }
        try {
          const value = await work();
          await store.set(storeKey, { fingerprint, status: 'done', value } satisfies IdempotencyRecord<Value>, { ttlMs });
          return value;
        } catch (error) {
          await store.delete(storeKey);
          throw error;
        }
      }
    },
  };
}

function conflict(key: string): AgentryError {
  return new AgentryError('AGENTRY_IDEMPOTENCY_CONFLICT', `Idempotency-Key ${key} was already used for a different request`);
}
