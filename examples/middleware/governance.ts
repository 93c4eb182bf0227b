// Governance: personal data is redacted before the agent sees it and before the caller does; a
// tenant's tier decides which agents it may use; every decision goes to a hash-chained audit log
// whose tampering is detectable. Run with `npx tsx examples/middleware/governance.ts`.
import {
  createAuditTrail,
  createClient,
  createMemoryAppendLog,
  createRuntime,
  governanceMiddleware,
  isAgentryError,
  verifyAuditChain,
} from '@agentry/sdk';
import { builtinPacks } from '@agentry/task-packs';

export async function run(log: (line: string) => void = console.log): Promise<void> {
  const audit = createAuditTrail({ log: createMemoryAppendLog() });
  const governance = governanceMiddleware({
    pii: { input: 'redact', output: 'redact' },
    // Model-backed agents are for paying tiers; the free tier may only echo.
    tiers: { free: { agents: ['echo'] }, pro: { agents: ['echo', 'summarize'] } },
    tenantTier: (tenant) => ({ 'corner-shop': 'free', acme: 'pro' })[tenant],
    maxInputBytes: 64_000,
    deny: [{ id: 'no-credentials', match: /\bpassword\s*[:=]/i, reason: 'credentials must not be sent to agents' }],
    audit,
  });
  const runtime = createRuntime({ packs: builtinPacks, middleware: [governance] });
  const shop = createClient({ runtime, tenant: 'corner-shop' });
  const acme = createClient({ runtime, tenant: 'acme' });
  try {
    const text = 'Please refund jane.doe@example.com, card 4111 1111 1111 1111, for order 1182.';
    const echoed = await shop.invoke('echo', { text });
    log(`redacted: ${JSON.stringify(echoed.output)}`);

    const policy = { text: 'Returns are free for thirty days. Refunds reach the card within five days.' };
    for (const [tenant, client, agent, input] of [
      ['corner-shop', shop, 'summarize', policy],
      ['corner-shop', shop, 'echo', { text: 'password: hunter2' }],
      ['acme', acme, 'summarize', policy],
    ] as const) {
      try {
        await client.invoke(agent, input);
        log(`${tenant} -> ${agent}: allowed`);
      } catch (error) {
        if (!isAgentryError(error)) throw error;
        log(`${tenant} -> ${agent}: refused ${error.code}: ${error.message}`);
      }
    }

    const entries = await audit.entries();
    log(`audit: ${entries.map((entry) => `#${entry.seq} ${entry.tenant} ${entry.agent} ${entry.decision}`).join(', ')}`);
    log(`audit redactions of #1: ${JSON.stringify(entries[0]!.redactions)}`);
    const verdict = await audit.verify();
    log(`chain verified: ok=${verdict.ok} entries=${verdict.entries}`);
    // Someone rewrites history: turn a refusal into an allow.
    const tampered = entries.map((entry) => (entry.seq === 2 ? { ...entry, decision: 'allow' } : entry));
    const broken = verifyAuditChain(tampered);
    log(`after tampering: ok=${broken.ok} firstBadSequence=${broken.firstBadSequence} (${broken.problem})`);
  } finally {
    await runtime.drain();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
