import { describe, expect, it } from 'vitest';
import type { AgentryError } from '../../contract';
import { createMemoryAppendLog } from '../../stores/memory-append-log';
import type { AuditEntry } from './audit/audit-entry';
import { createAuditTrail } from './audit/audit-trail';
import type { Middleware } from '../../core/middleware';
import { createRuntime } from '../../runtime';
import { collect, createGovernanceTestPacks, governedRuntime } from './fixtures/governance-test-packs';
import { governanceMiddleware } from './governance-middleware';
import { toolAccessStateKey, type ToolAccessCheck } from './tier-access';
import { z } from 'zod';
import { defineTaskPack } from '../../core/task-pack';

const email = 'ada.lovelace@example.com';

function auditedRuntime(options: Parameters<typeof governedRuntime>[0] = {}) {
  const log = createMemoryAppendLog();
  const trail = createAuditTrail({ log });
  return { ...governedRuntime({ ...options, audit: trail }), trail, log };
}

async function refusal(promise: Promise<unknown>): Promise<AgentryError> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: AgentryError) => error,
  );
}

describe('governanceMiddleware: input', () => {
  it('redacts personal data in the input before the pack sees it', async () => {
    const { runtime, seen } = governedRuntime({});
    const result = await runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: `mail ${email}`, extra: ['card 4111 1111 1111 1111'] } });
    expect(seen).toEqual([{ text: 'mail [REDACTED:email]', extra: ['card [REDACTED:card]'] }]);
    expect(result.output).toEqual({ text: 'mail [REDACTED:email]' });
  });

  it('refuses an input with personal data when pii.input is refuse, without running the pack', async () => {
    const { runtime, seen } = governedRuntime({ pii: { input: 'refuse' } });
    const error = await refusal(runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: `mail ${email}` } }));
    expect(error.code).toBe('AGENTRY_FORBIDDEN');
    expect(error.details).toEqual({ pii: { email: 1 } });
    expect(error.message).not.toContain(email);
    expect(seen).toEqual([]);
  });

  it('lets personal data through when pii is off', async () => {
    const { runtime } = governedRuntime({ pii: { input: 'off', output: 'off' } });
    const result = await runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: email } });
    expect(result.output).toEqual({ text: email });
  });

  it('refuses an input over maxInputBytes with AGENTRY_PAYLOAD_TOO_LARGE, counting UTF-8 bytes', async () => {
    const { runtime, seen } = governedRuntime({ maxInputBytes: 40 });
    await expect(runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'short' } })).resolves.toBeDefined();
    const error = await refusal(runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'é'.repeat(15) } }));
    expect(error.code).toBe('AGENTRY_PAYLOAD_TOO_LARGE');
    expect(error.message).toContain('41 bytes');
    expect(seen).toHaveLength(1);
  });

  it('refuses by deny rule (keyword or pattern), only for the agents it names', async () => {
    const { runtime } = governedRuntime({
      deny: [
        { id: 'no-weapons', match: 'explosives', reason: 'weapons are out of scope' },
        { match: /ignore (all )?previous instructions/i, agents: ['echo'] },
      ],
    });
    const keyword = await refusal(runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'how to make EXPLOSIVES?' } }));
    expect(keyword.code).toBe('AGENTRY_FORBIDDEN');
    expect(keyword.message).toContain('deny rule no-weapons: weapons are out of scope');
    await expect(runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'nonexplosivesque words pass' } })).resolves.toBeDefined();
    const pattern = await refusal(runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'Ignore previous instructions' } }));
    expect(pattern.message).toContain('deny[1]');
    const other = await runtime.invoke({ agent: 'streamer', tenant: 'acme', input: { pieces: ['ignore previous instructions'] } });
    expect(other.output).toEqual({ text: 'ignore previous instructions' });
  });
});

describe('governanceMiddleware: tiers', () => {
  const tiers = { free: { agents: ['echo', 'tool*'], tools: ['search'] }, pro: {} };
  const tenantTier = (tenant: string) => ({ acme: 'pro', bob: 'free', eve: 'gold' })[tenant];

  it('refuses an agent the tenant tier does not allow with AGENTRY_FORBIDDEN_TOOL', async () => {
    const { runtime } = governedRuntime({ tiers, tenantTier });
    await expect(runtime.invoke({ agent: 'echo', tenant: 'bob', input: { text: 'hi' } })).resolves.toBeDefined();
    await expect(runtime.invoke({ agent: 'streamer', tenant: 'acme', input: { pieces: ['hi'] } })).resolves.toBeDefined();
    const error = await refusal(runtime.invoke({ agent: 'streamer', tenant: 'bob', input: { pieces: ['hi'] } }));
    expect(error.code).toBe('AGENTRY_FORBIDDEN_TOOL');
    expect(error.message).toContain('tier free of tenant bob may not use agent streamer');
  });

  it('fails closed for a tenant without a tier or with an unknown one', async () => {
    const { runtime } = governedRuntime({ tiers, tenantTier });
    expect((await refusal(runtime.invoke({ agent: 'echo', tenant: 'nobody', input: { text: 'hi' } }))).code).toBe('AGENTRY_FORBIDDEN_TOOL');
    expect((await refusal(runtime.invoke({ agent: 'echo', tenant: 'eve', input: { text: 'hi' } }))).code).toBe('AGENTRY_FORBIDDEN_TOOL');
  });

  it('ends the stream at a tool call the tier does not allow, after the events before it', async () => {
    const { runtime, state } = governedRuntime({ tiers, tenantTier });
    const allowed = await collect(runtime, { agent: 'tooler', tenant: 'bob', input: { tool: 'search' } });
    expect(allowed.error).toBeUndefined();
    const { events, error } = await collect(runtime, { agent: 'tooler', tenant: 'bob', input: { tool: 'delete-account' } });
    expect(error?.code).toBe('AGENTRY_FORBIDDEN_TOOL');
    expect(error?.message).toContain('tier free may not use tool delete-account');
    expect(events.map((event) => event.type)).toEqual(['start', 'text-delta']);
    expect(state.toolPackStopped).toBe(true);
    const pro = await collect(runtime, { agent: 'tooler', tenant: 'acme', input: { tool: 'delete-account' } });
    expect(pro.events.at(-1)?.type).toBe('result');
  });

  it('refuses a tool the tier does not allow before it runs when a pack calls it through ctx.tools', async () => {
    const ran: string[] = [];
    const execute = (name: string) => () => {
      ran.push(name);
      return { ok: true };
    };
    const caller = defineTaskPack({
      id: 'tool-caller',
      version: '1.0.0',
      description: 'Calls one declared tool and returns what it said.',
      input: z.object({ tool: z.enum({ search: 'search', 'delete-account': 'delete-account' }) }),
      output: z.object({ ok: z.boolean() }),
      capabilities: {
        tools: [
          { name: 'search', input: z.object({}), execute: execute('search') },
          { name: 'delete-account', input: z.object({}), execute: execute('delete-account') },
        ],
      },
      handler: async (input, ctx) => (await ctx.tools.call(input.tool, {})) as { ok: boolean },
    });
    const runtime = createRuntime({ packs: [caller], middleware: [governanceMiddleware({ tiers, tenantTier })] });
    await expect(runtime.invoke({ agent: 'tool-caller', tenant: 'bob', input: { tool: 'search' } })).resolves.toMatchObject({ output: { ok: true } });
    const error = await refusal(runtime.invoke({ agent: 'tool-caller', tenant: 'bob', input: { tool: 'delete-account' } }));
    expect(error.code).toBe('AGENTRY_FORBIDDEN_TOOL');
    expect(error.message).toContain('may not use tool "delete-account"');
    expect(ran).toEqual(['search']);
    await expect(runtime.invoke({ agent: 'tool-caller', tenant: 'acme', input: { tool: 'delete-account' } })).resolves.toMatchObject({ output: { ok: true } });
    expect(ran).toEqual(['search', 'delete-account']);
  });

  it("refuses a pack whose minTier is above the tenant's tier before it runs (tiers ranked lowest first)", async () => {
    let runs = 0;
    const premium = defineTaskPack({
      id: 'premium',
      version: '1.0.0',
      description: 'Only for pro tenants and above.',
      input: z.object({ text: z.string() }),
      output: z.object({ text: z.string() }),
      capabilities: { minTier: 'pro' },
      handler: (input) => {
        runs++;
        return input;
      },
    });
    const ranked = { free: {}, pro: {}, enterprise: {} };
    const tierOf = (tenant: string) => ({ bob: 'free', acme: 'pro', mega: 'enterprise' })[tenant];
    const runtime = createRuntime({ packs: [premium], middleware: [governanceMiddleware({ tiers: ranked, tenantTier: tierOf })] });
    const error = await refusal(runtime.invoke({ agent: 'premium', tenant: 'bob', input: { text: 'hi' } }));
    expect(error.code).toBe('AGENTRY_FORBIDDEN_TOOL');
    expect(error.message).toContain('needs tier pro or above');
    expect(runs).toBe(0);
    await runtime.invoke({ agent: 'premium', tenant: 'acme', input: { text: 'hi' } });
    await runtime.invoke({ agent: 'premium', tenant: 'mega', input: { text: 'hi' } });
    expect(runs).toBe(2);
    // An explicit order wins over the order of `tiers`.
    const reordered = createRuntime({ packs: [premium], middleware: [governanceMiddleware({ tiers: ranked, tierOrder: ['pro', 'free', 'enterprise'], tenantTier: tierOf })] });
    await expect(reordered.invoke({ agent: 'premium', tenant: 'bob', input: { text: 'hi' } })).resolves.toBeDefined();
    expect(() => governanceMiddleware({ tiers: ranked, tierOrder: ['free', 'pro'], tenantTier: tierOf })).toThrow(/tierOrder.*"enterprise" is missing/);
  });

  it('leaves the tier tool check in invocation state so a host can refuse before a tool runs', async () => {
    const checks: ToolAccessCheck[] = [];
    const probe: Middleware = {
      name: 'probe',
      handle(invocation, next) {
        checks.push(invocation.state.get(toolAccessStateKey) as ToolAccessCheck);
        return next(invocation);
      },
    };
    const runtime = createRuntime({ packs: createGovernanceTestPacks().packs, middleware: [governanceMiddleware({ tiers, tenantTier }), probe] });
    await runtime.invoke({ agent: 'echo', tenant: 'bob', input: { text: 'hi' } });
    expect([checks[0]!('search'), checks[0]!('delete-account')]).toEqual([true, false]);
  });
});

describe('governanceMiddleware: logs', () => {
  const talker = defineTaskPack({
    id: 'talker',
    version: '1.0.0',
    description: 'Logs what it was asked, carelessly.',
    input: z.object({ text: z.string() }),
    output: z.object({ ok: z.boolean() }),
    handler: (input, ctx) => {
      ctx.logger.info(`asked: ${input.text}`, { contact: input.text, nested: { card: '4111 1111 1111 1111' }, error: new Error(`no reply from ${input.text}`) });
      return { ok: true };
    },
  });

  function loggedRuntime(pii: { input?: 'redact' | 'off'; logs?: 'redact' | 'off' }) {
    const lines: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    const logger = { debug: () => {}, info: (message: string, fields?: Record<string, unknown>) => lines.push({ message, ...(fields === undefined ? {} : { fields }) }), warn: () => {}, error: () => {} };
    const runtime = createRuntime({ packs: [talker], logger, middleware: [governanceMiddleware({ pii })] });
    return { runtime, lines };
  }

  it('redacts what a pack logs through ctx.logger, message and fields, even when the input was let through', async () => {
    const { runtime, lines } = loggedRuntime({ input: 'off' });
    await runtime.invoke({ agent: 'talker', tenant: 'acme', input: { text: email } });
    expect(JSON.stringify(lines)).not.toContain(email);
    expect(JSON.stringify(lines)).not.toContain('4111');
    expect(lines[0]).toMatchObject({ message: 'asked: [REDACTED:email]', fields: { contact: '[REDACTED:email]', nested: { card: '[REDACTED:card]' }, error: { message: 'no reply from [REDACTED:email]' } } });
  });

  it("leaves pack logs alone with pii.logs: 'off'", async () => {
    const { runtime, lines } = loggedRuntime({ input: 'off', logs: 'off' });
    await runtime.invoke({ agent: 'talker', tenant: 'acme', input: { text: email } });
    expect(lines[0]!.message).toBe(`asked: ${email}`);
  });
});

describe('governanceMiddleware: policy', () => {
  it('refuses with the code and reason a policy function returns', async () => {
    const { runtime } = governedRuntime({
      policy: (invocation) =>
        invocation.tenant === 'blocked' ? { allow: false, code: 'AGENTRY_FORBIDDEN_TOOL', reason: `tenant blocked, contact ${email}` } : { allow: true },
    });
    await expect(runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'hi' } })).resolves.toBeDefined();
    const error = await refusal(runtime.invoke({ agent: 'echo', tenant: 'blocked', input: { text: 'hi' } }));
    expect(error.code).toBe('AGENTRY_FORBIDDEN_TOOL');
    expect(error.message).toBe('invoke echo@1.0.0 refused by policy: tenant blocked, contact [REDACTED:email]');
  });

  it('refuses when the policy function throws (fails closed)', async () => {
    const { runtime } = governedRuntime({
      policy: () => {
        throw new Error('policy service down');
      },
    });
    const error = await refusal(runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'hi' } }));
    expect(error.code).toBe('AGENTRY_INTERNAL');
    expect(error.message).toContain('the policy check failed');
  });

  it('applies a JSON rule set: first matching rule wins, redact forces redaction', async () => {
    const { runtime, seen } = governedRuntime({
      pii: { input: 'off', output: 'off' },
      tiers: { free: {}, pro: {} },
      tenantTier: (tenant) => (tenant === 'acme' ? 'pro' : 'free'),
      policy: {
        rules: [
          { id: 'free-no-stream', when: { tier: 'free', agent: 'streamer' }, effect: 'deny', reason: 'streaming needs pro' },
          { id: 'secrets', when: { inputMatches: 'password|token' }, effect: 'redact' },
          { when: { tenant: ['acme', 'bob'] }, effect: 'allow' },
        ],
        default: 'deny',
      },
    });
    const denied = await refusal(runtime.invoke({ agent: 'streamer', tenant: 'bob', input: { pieces: ['x'] } }));
    expect(denied.message).toBe('invoke streamer@1.0.0 refused by policy rule free-no-stream: streaming needs pro');
    const redacted = await runtime.invoke({ agent: 'echo', tenant: 'bob', input: { text: `token for ${email}` } });
    expect(redacted.output).toEqual({ text: 'token for [REDACTED:email]' });
    const plain = await runtime.invoke({ agent: 'echo', tenant: 'bob', input: { text: email } });
    expect(plain.output).toEqual({ text: email });
    expect(seen).toHaveLength(2);
    const fallback = await refusal(runtime.invoke({ agent: 'echo', tenant: 'carol', input: { text: 'hi' } }));
    expect(fallback.message).toContain('no policy rule allows this call');
  });

  it('rejects malformed options and policies with AGENTRY_INVALID_OPTIONS naming the field', () => {
    const attempts: [unknown, string][] = [
      [{ pii: { input: 'mask' } }, '`pii.input`'],
      [{ maxInputBytes: -1 }, '`maxInputBytes`'],
      [{ tiers: { free: { agents: 'echo' } }, tenantTier: () => 'free' }, '`tiers.free.agents`'],
      [{ tiers: { free: {} } }, '`tenantTier`'],
      [{ deny: [{ match: '' }] }, '`deny[0].match`'],
      [{ policy: { rules: [{ when: {}, effect: 'block' }] } }, '`rules[0].effect`'],
      [{ policy: { rules: [{ when: { inputMatches: '(' }, effect: 'deny' }] } }, '`rules[0].when.inputMatches`'],
    ];
    for (const [options, field] of attempts) {
      expect(() => governanceMiddleware(options as never)).toThrow(expect.objectContaining({ code: 'AGENTRY_INVALID_OPTIONS', message: expect.stringContaining(field) }));
    }
  });
});

describe('governanceMiddleware: output', () => {
  it('redacts personal data split across stream deltas and in the result output', async () => {
    const { runtime } = governedRuntime({ pii: { input: 'off', output: 'redact' } });
    const pieces = ['Reach me at ada.love', 'lace@exam', 'ple.com or +44 20 79', '46 0958 any time.'];
    const { events, error } = await collect(runtime, { agent: 'streamer', tenant: 'acme', input: { pieces } });
    expect(error).toBeUndefined();
    const text = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    expect(text).toBe('Reach me at [REDACTED:email] or [REDACTED:phone] any time.');
    const result = events.at(-1);
    expect(result?.type === 'result' && result.result.output).toEqual({ text });
    expect(events.map((event) => event.type).at(-2)).toBe('usage');
  });

  it('redacts tool-call arguments', async () => {
    const { runtime } = governedRuntime({});
    const { events } = await collect(runtime, { agent: 'tooler', tenant: 'acme', input: { tool: 'lookup', args: { who: email, n: 3 } } });
    const call = events.find((event) => event.type === 'tool-call');
    expect(call?.type === 'tool-call' && call.args).toEqual({ who: '[REDACTED:email]', n: 3 });
  });
});

describe('governanceMiddleware: audit', () => {
  it('records every decision with redaction counts and never the raw data, in a chain that verifies', async () => {
    const { runtime, trail, log } = auditedRuntime({ tiers: { free: { agents: ['echo'] } }, tenantTier: () => 'free', maxInputBytes: 1000 });
    await runtime.invoke({ agent: 'echo', tenant: 'acme', subject: 'user-1', input: { text: `hi ${email}, ssn 536-22-1234` } });
    await refusal(runtime.invoke({ agent: 'streamer', tenant: 'acme', input: { pieces: [email] } }));
    await refusal(runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'x'.repeat(2000) } }));
    const entries = await trail.entries();
    expect(entries.map((entry) => [entry.seq, entry.decision, entry.outcome, entry.code, entry.stage])).toEqual([
      [1, 'allow', 'succeeded', undefined, undefined],
      [2, 'refuse', 'refused', 'AGENTRY_FORBIDDEN_TOOL', 'tier'],
      [3, 'refuse', 'refused', 'AGENTRY_PAYLOAD_TOO_LARGE', 'size'],
    ]);
    expect(entries[0]).toMatchObject({ tenant: 'acme', subject: 'user-1', agent: 'echo', tier: 'free', redactions: { input: { email: 1, ssn: 1 }, output: {} } });
    await runtime.invoke({ agent: 'echo', tenant: 'acme', subject: email, input: { text: 'hi' } });
    expect((await trail.entries())[3]).toMatchObject({ subject: '[REDACTED:email]' });
    expect(JSON.stringify(await log.read('audit'))).not.toMatch(/ada\.lovelace|536-22-1234/);
    expect(await trail.verify()).toMatchObject({ ok: true, entries: 4, head: { seq: 4 } });
  });

  it('records failed and abandoned calls too', async () => {
    const { runtime, trail } = auditedRuntime();
    await refusal(runtime.invoke({ agent: 'failing', tenant: 'acme', input: { text: 'hi' } }));
    for await (const event of runtime.stream({ agent: 'streamer', tenant: 'acme', input: { pieces: ['a '.repeat(100), 'b'] } })) {
      if (event.type === 'text-delta') break;
    }
    const entries: AuditEntry[] = await trail.entries();
    expect(entries.map((entry) => [entry.decision, entry.outcome, entry.code])).toEqual([
      ['allow', 'failed', 'AGENTRY_UPSTREAM_ERROR'],
      ['allow', 'cancelled', undefined],
    ]);
  });

  it('fails an allowed call whose audit record cannot be written, unless onAuditError is ignore', async () => {
    const broken = { append: async () => Promise.reject(new Error('disk full')), read: async () => [] };
    const strict = governedRuntime({ audit: broken });
    const error = await refusal(strict.runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'hi' } }));
    expect(error.code).toBe('AGENTRY_UNAVAILABLE');
    const lenient = governedRuntime({ audit: broken, onAuditError: 'ignore' });
    await expect(lenient.runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'hi' } })).resolves.toMatchObject({ output: { text: 'hi' } });
  });
});
