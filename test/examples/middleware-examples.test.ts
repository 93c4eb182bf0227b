import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runBudgets } from '../../examples/middleware/budgets';
import { run as runCaching } from '../../examples/middleware/caching';
import { run as runEvals } from '../../examples/middleware/evals';
import { run as runGovernance } from '../../examples/middleware/governance';
import { run as runMetering } from '../../examples/middleware/metering';
import { run as runPipeline } from '../../examples/middleware/pipeline';
import { run as runStores } from '../../examples/middleware/stores';
import { startRedisServer, type RedisServer } from '../support/redis-server';

/** Runs an example and returns what it logged, one entry per line. */
async function linesOf(run: (log: (line: string) => void) => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  await run((line) => lines.push(line));
  return lines;
}

describe('the middleware guides’ examples (examples/middleware)', () => {
  it('pipeline: the same chain serves in-process, server and client-side calls, each metered with its cache hits', async () => {
    const lines = await linesOf(runPipeline);
    const text = lines.join('\n');
    expect(text).toContain('[REDACTED:email]');
    expect(text).not.toContain('jane.doe@example.com');
    expect(text).toContain('evals: pii-leak=true');
    expect(lines.filter((line) => line.includes('[call-log]'))).toEqual([
      '   [call-log] tenant=acme summarize invoke cache hit=false',
      '   [call-log] tenant=acme summarize invoke cache hit=true',
      '   [call-log] tenant=globex summarize invoke cache hit=false',
      '   [call-log] tenant=globex summarize stream cache hit=true',
    ]);
    expect(lines.filter((line) => line.startsWith('usage ('))).toEqual([
      'usage (in-process): acme/invoke/hit=false, acme/invoke/hit=true',
      'usage (server): globex/invoke/hit=false, globex/stream/hit=true',
      'usage (client): remote/invoke/hit=false, remote/stream/hit=true',
    ]);
  });

  it('metering: writes one usage record per call, cancelled stream included, and prints the agentry report table', async () => {
    const lines = await linesOf(runMetering);
    const text = lines.join('\n');
    expect(text).toContain('meter: recorded=4 delivered=4 dropped=0 failed=0');
    expect(text).toContain('first record: tenant=acme subject=agent-ann agent=summarize@1.0.0 mode=invoke');
    expect(text).toMatch(/tokens in\/out=\d+\/\d+ cost=\$0\.000[1-9]\d{2} outcome=success metadata=\{"queue":"refunds"\}/);
    expect(text).toContain(
      'outcomes: acme/summarize/invoke=success, acme/summarize/stream=success, globex/summarize/stream=cancelled, globex/echo/invoke=success',
    );
    expect(text).toMatch(/^TENANT +AGENT +CALLS +SUCCESS +P50 MS +P95 MS +TOKENS IN +TOKENS OUT +COST +EVAL COST +CACHE HIT +EVAL PASS$/m);
    expect(text).toMatch(/^acme +summarize +2 +100\.0%/m);
    expect(text).toMatch(/^globex +summarize +1 +0\.0%/m);
    expect(text).toMatch(/^TOTAL +4 +75\.0%/m);
  });

  it('budgets: warns past the soft limit, then refuses the call that would overspend with AGENTRY_BUDGET_EXCEEDED', async () => {
    const lines = await linesOf(runBudgets);
    expect(lines.filter((line) => / ok, cost \$0\.000[1-9]/.test(line))).toHaveLength(4);
    const warnings = lines.filter((line) => line.includes('warning AGENTRY_BUDGET_SOFT_LIMIT'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('budget of tenant acme is past its soft limit');
    const refusal = lines.find((line) => line.includes('refused'));
    expect(refusal).toMatch(/^call 5: refused AGENTRY_BUDGET_EXCEEDED \(HTTP 402\): invoke summarize@1\.0\.0 refused: budget of tenant acme exhausted/);
    expect(lines.at(-1)).toBe('stats: allowed=4 refused=1 softWarnings=2');
  });

  it('evals: attaches scores to results and caches only the answer whose evals all pass', async () => {
    const lines = await linesOf(runEvals);
    expect(lines).toEqual([
      expect.stringMatching(/^release notes: pii-leak=pass, latency-slo=pass, complete-sentence=pass, short=pass \(\d+ words\)$/),
      '  asked again: cache hit=true, scores replayed',
      expect.stringMatching(/^refund policy: pii-leak=FAIL \(found 1 payment-card\), latency-slo=pass/),
      '  asked again: cache hit=false, ran and was scored again',
      'eval stats: evaluated=12 passed=10 failed=2 errored=0',
      'cache stats: admitted=1 refused=2',
    ]);
  });

  it('governance: redacts an email and a card number, refuses a tier-forbidden agent and detects a tampered audit chain', async () => {
    const lines = await linesOf(runGovernance);
    const text = lines.join('\n');
    expect(text).toContain('redacted: {"text":"Please refund [REDACTED:email], card [REDACTED:card], for order 1182."}');
    expect(text).not.toMatch(/jane\.doe@example\.com|4111 1111/);
    expect(text).toContain('corner-shop -> summarize: refused AGENTRY_FORBIDDEN_TOOL: invoke summarize@1.0.0 refused: tier free of tenant corner-shop may not use agent summarize');
    expect(text).toContain('corner-shop -> echo: refused AGENTRY_FORBIDDEN: invoke echo@1.0.0 refused by deny rule no-credentials');
    expect(text).toContain('acme -> summarize: allowed');
    expect(text).toContain('audit: #1 corner-shop echo allow, #2 corner-shop summarize refuse, #3 corner-shop echo refuse, #4 acme summarize allow');
    expect(text).toContain('audit redactions of #1: {"input":{"email":1,"card":1},"output":{}}');
    expect(text).toContain('chain verified: ok=true entries=4');
    expect(text).toContain('after tampering: ok=false firstBadSequence=2 (entry 2 does not match its hash (edited))');
  });

  it('caching: answers the repeat from the cache with the cost it saved, replays streams and runs concurrent calls once', async () => {
    const lines = await linesOf(runCaching);
    const text = lines.join('\n');
    const cost = /first: {2}hit=false cost=\$(\d\.\d{6})/.exec(text)?.[1];
    expect(Number(cost)).toBeGreaterThan(0);
    expect(text).toContain(`second: hit=true cost=$0.000000 saved=$${cost}`);
    expect(text).toContain('same output: true');
    expect(text).toMatch(/[1-9]\d* text-delta events, hit=true/);
    expect(text).toContain('model runs: 1, answered as hits: 4');
    expect(text).toContain('refresh: hit=false');
    expect(text).toContain('bypass:  hit=false');
    expect(lines.at(-1)).toBe('stats: hits=2 misses=3 coalesced=4 bypassed=1 admitted=3');
  });

  describe('on a real redis-server', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(() => redis?.stop());

    it('stores: two replicas share cache entries, budget spend and one usage ledger through Redis', async () => {
      const lines = await linesOf((log) => runStores(log, redis.url));
      expect(lines[0]).toMatch(/^replica one, note 1: ok, cache hit=false, cost \$0\.000[1-9]/);
      expect(lines[1]).toBe('replica two, note 1: ok, cache hit=true, cost $0.000000');
      expect(lines[2]).toMatch(/^replica two, note 2: ok, cache hit=false, cost \$0\.000[1-9]/);
      expect(lines[3]).toMatch(/^replica one, note 3: refused AGENTRY_BUDGET_EXCEEDED: .*budget of tenant acme exhausted/);
      const paid = [lines[0], lines[2]].map((line) => Number(/cost \$(\d\.\d{6})/.exec(line!)![1]));
      expect(lines[4]).toMatch(/^ledger: 4 calls from both replicas, 1 cache hit, 1 refused, cost \$\d\.\d{6}$/);
      expect(Number(/cost \$(\d\.\d{6})$/.exec(lines[4]!)![1])).toBeCloseTo(paid[0]! + paid[1]!, 5);
    });
  });
});
