// Test helpers shared by the meter tests (not exported from the package).
import { z } from 'zod';
import type { UsageRecord } from '../../contract/usage-event';
import { defineTaskPack } from '../../core/task-pack';

/** A pack that returns its input's text: the cheapest call a meter can record. */
export const echo = defineTaskPack({
  id: 'echo',
  version: '1.0.0',
  description: 'echo',
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  handler: (input) => ({ text: input.text }),
});

/** A successful usage record of acme's echo call (10 in, 5 out, $0.01, 100 ms), with `overrides`. */
export function usageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    schemaVersion: 1,
    timestamp: '2025-01-01T00:00:00.000Z',
    requestId: 'req_1',
    invocationId: 'inv_1',
    tenant: 'acme',
    agent: 'echo',
    version: '1.0.0',
    variant: null,
    mode: 'invoke',
    inputTokens: 10,
    outputTokens: 5,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0.01,
    latencyMs: 100,
    cacheHit: false,
    outcome: 'success',
    evals: { total: 0, passed: 0, errored: 0, failed: [] },
    ...overrides,
  };
}
