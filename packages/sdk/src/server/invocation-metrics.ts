import { Counter, Gauge, type Registry } from 'prom-client';
import { usageOutcomeOf } from '../middleware/meter/usage-outcome';
import type { InvocationListener, ObservedInvocation } from './invocation-observer';

const outcomes = ['success', 'error', 'refused', 'cancelled'] as const;
const tokenKinds = ['input', 'output', 'cached_input', 'cache_write', 'reasoning'] as const;
const jobStates = ['succeeded', 'failed', 'cancelled'] as const;
// Places in one agent's tally.
const OUTCOME = 0;
const TOKENS = OUTCOME + outcomes.length;
const COST_USD = TOKENS + tokenKinds.length;
const SAVED_COST_USD = COST_USD + 1;
const CACHE_HITS = SAVED_COST_USD + 1;
const FIELDS = CACHE_HITS + 1;

/**
 * Invocation metrics of one server, fed by its {@link InvocationListener}: invocations by agent
 * and outcome, tokens by kind, cost, cache hits, running and finished jobs. Agent labels are the
 * ids of hosted packs, so they are bounded; the tenant label is opt-in.
 */
export function createInvocationMetrics(registry: Registry, tenantLabel: boolean): InvocationListener {
  // Tenant ('' without the tenant label) -> agent -> tally. Plain sums on the call path;
  // prom-client reads them at scrape time.
  const tallies = new Map<string, Map<string, Float64Array>>();
  let jobsRunning = 0;
  const jobsFinished = [0, 0, 0];

  const baseLabels: Array<'tenant' | 'agent'> = tenantLabel ? ['tenant', 'agent'] : ['agent'];
  type Emit = (labels: Record<string, string>, value: number) => void;
  /**
   * A counter read from the tallies when scraped: `read` turns one tenant's and agent's tally into
   * samples, with `extraLabel` (outcome, kind) when the counter has one.
   */
  const counter = (name: string, help: string, extraLabel: string | undefined, read: (labels: Record<string, string>, tally: Float64Array, emit: Emit) => void): void => {
    new Counter({
      name,
      help,
      labelNames: extraLabel === undefined ? baseLabels : [...baseLabels, extraLabel],
      registers: [registry],
      collect() {
        this.reset();
        const emit: Emit = (labels, value) => this.inc(labels, value);
        for (const [tenant, agents] of tallies) {
          for (const [agent, tally] of agents) read(tenantLabel ? { tenant, agent } : { agent }, tally, emit);
        }
      },
    });
  };

  counter('agentry_invocations_total', 'Invocations that ended, by agent and outcome (success, error, refused, cancelled).', 'outcome', (labels, tally, emit) => {
    outcomes.forEach((outcome, index) => emit({ ...labels, outcome }, tally[OUTCOME + index]!));
  });
  counter('agentry_tokens_total', 'Model tokens of ended invocations, by agent and kind.', 'kind', (labels, tally, emit) => {
    tokenKinds.forEach((kind, index) => emit({ ...labels, kind }, tally[TOKENS + index]!));
  });
  counter('agentry_cost_usd_total', 'Model cost of ended invocations in US dollars, by agent.', undefined, (labels, tally, emit) => emit(labels, tally[COST_USD]!));
  counter('agentry_cache_hits_total', 'Invocations answered from the cache, by agent.', undefined, (labels, tally, emit) => emit(labels, tally[CACHE_HITS]!));
  counter('agentry_cache_saved_cost_usd_total', 'Model cost that cache hits saved in US dollars, by agent.', undefined, (labels, tally, emit) => emit(labels, tally[SAVED_COST_USD]!));
  new Gauge({
    name: 'agentry_jobs_running',
    help: 'Jobs running now.',
    registers: [registry],
    collect() {
      this.set(jobsRunning);
    },
  });
  new Counter({
    name: 'agentry_jobs_finished_total',
    help: 'Jobs that ran and finished, by final state.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      jobStates.forEach((state, index) => this.inc({ state }, jobsFinished[index]!));
    },
  });

  function tallyOf(tenant: string, agent: string): Float64Array {
    let agents = tallies.get(tenant);
    if (agents === undefined) tallies.set(tenant, (agents = new Map()));
    let tally = agents.get(agent);
    if (tally === undefined) agents.set(agent, (tally = new Float64Array(FIELDS)));
    return tally;
  }

  return {
    jobStarted() {
      jobsRunning++;
    },
    ended(observed: ObservedInvocation) {
      const { invocation, usage, result, errorCode } = observed;
      const tally = tallyOf(tenantLabel ? invocation.tenant : '', invocation.agent);
      const outcome = errorCode === undefined ? 'success' : usageOutcomeOf(errorCode);
      tally[OUTCOME + outcomes.indexOf(outcome)]!++;
      if (usage !== undefined) {
        tally[TOKENS]! += usage.inputTokens;
        tally[TOKENS + 1]! += usage.outputTokens;
        tally[TOKENS + 2]! += usage.cachedInputTokens;
        tally[TOKENS + 3]! += usage.cacheWriteTokens;
        tally[TOKENS + 4]! += usage.reasoningTokens;
        tally[COST_USD]! += usage.costUsd;
      }
      if (result?.cache.hit === true) {
        tally[CACHE_HITS]!++;
        tally[SAVED_COST_USD]! += result.cache.savedCostUsd ?? 0;
      }
      if (invocation.mode === 'job') {
        if (jobsRunning > 0) jobsRunning--;
        // As the runtime settles a job: only a cancellation is `cancelled`, every other failure `failed`.
        jobsFinished[errorCode === undefined ? 0 : errorCode === 'AGENTRY_CANCELLED' ? 2 : 1]!++;
      }
    },
  };
}
