import { AgentryError } from '../../../contract';
import { defineEvaluator, type Evaluator } from '../evaluator';

/**
 * Passes when the call's latency (`usage.latencyMs`) is within `maxMs`. The score falls as
 * latency passes the objective: `maxMs / latencyMs`.
 *
 * @example
 * latencySloEvaluator({ maxMs: 1500 })
 */
export function latencySloEvaluator(options: { maxMs: number; name?: string }): Evaluator {
  const maxMs = positive(options?.maxMs, 'latencySloEvaluator', 'maxMs');
  return defineEvaluator(options.name ?? 'latency-slo', ({ usage }) => {
    const pass = usage.latencyMs <= maxMs;
    return { score: pass ? 1 : maxMs / usage.latencyMs, pass, ...(pass ? {} : { reason: `took ${Math.round(usage.latencyMs)} ms, objective ${maxMs} ms` }) };
  });
}

/**
 * Passes when the call's model cost (`usage.costUsd`) is within `maxUsd`; score `maxUsd / costUsd` past it.
 *
 * @example
 * costSloEvaluator({ maxUsd: 0.01 })
 */
export function costSloEvaluator(options: { maxUsd: number; name?: string }): Evaluator {
  const maxUsd = positive(options?.maxUsd, 'costSloEvaluator', 'maxUsd');
  return defineEvaluator(options.name ?? 'cost-slo', ({ usage }) => {
    const pass = usage.costUsd <= maxUsd;
    return { score: pass ? 1 : maxUsd / usage.costUsd, pass, ...(pass ? {} : { reason: `cost $${usage.costUsd.toFixed(6)}, objective $${maxUsd}` }) };
  });
}

function positive(value: number | undefined, where: string, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: \`${field}\` must be a positive number, got ${String(value)}`);
  }
  return value;
}
