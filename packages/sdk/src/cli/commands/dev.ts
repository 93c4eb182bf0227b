import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AgentryError } from '../../contract';
import { createCostFunction, createModelFromSpec, defaultPriceTable } from '../../providers';
import { createServer } from '../../server';
import { createWebhookSecret } from '../../webhooks/standard-webhooks';
import type { CommandIo } from '../io';
import { loadPacks } from '../load-packs';

export const devUsage = `Usage: agentry dev [--port 8787] [--host 127.0.0.1] [--packs ./a.js,./b.js] [--model provider:model]

Starts the Agentry runtime server with in-memory defaults, for development.
--model picks the model packs use: openai:<model>, anthropic:<model>, openai-compatible:<model>
(with OPENAI_BASE_URL) or local. Default: openai:gpt-4o-mini when OPENAI_API_KEY is set,
anthropic:claude-haiku-4-5 when ANTHROPIC_API_KEY is set, the deterministic local model otherwise.
Environment: AGENTRY_API_KEY (the demo key), AGENTRY_WEBHOOK_SECRET (whsec_...),
AGENTRY_METRICS_TOKEN (what a scraper sends to GET /metrics),
OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY (read here only, never logged).
Webhook targets on loopback and private networks are allowed in dev mode.
`;

/** `agentry dev`: runs the server until SIGINT/SIGTERM, then drains it. Resolves with the exit code. */
export async function runDevCommand(argv: string[], io: CommandIo, cwd = process.cwd()): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      packs: { type: 'string' },
      model: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(devUsage);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `--port must be a port number, got ${values.port}`);
  }
  const packs = await loadPacks(values.packs?.split(',').filter(Boolean), cwd);
  const apiKey = io.env.AGENTRY_API_KEY || `agentry_dev_${randomBytes(12).toString('hex')}`;
  const webhookSecret = io.env.AGENTRY_WEBHOOK_SECRET || createWebhookSecret();
  const metricsToken = io.env.AGENTRY_METRICS_TOKEN || `agentry_metrics_${randomBytes(12).toString('hex')}`;
  const modelSpec = values.model ?? defaultModelSpec(io.env);
  const model = createModelFromSpec(modelSpec, { env: io.env });
  const server = createServer({
    packs,
    model,
    costOf: createCostFunction(defaultPriceTable),
    apiKeys: { [apiKey]: { tenant: 'dev' } },
    webhooks: { secret: webhookSecret, allowPrivateTargets: true },
    metrics: { token: metricsToken },
  });
  const { url } = await server.listen({ port, host: values.host });
  io.stdout.write(
    [
      `Agentry dev server listening on ${url}`,
      `API key: ${apiKey}`,
      `Webhook secret: ${webhookSecret}`,
      `Metrics token: ${metricsToken} (GET ${url}/metrics with Authorization: Bearer <token>)`,
      `Model: ${model.provider}:${model.modelId}`,
      `Agents: ${packs.map((pack) => `${pack.id}@${pack.version}`).join(', ')}`,
      `Try: curl -s ${url}/v1/agents/echo/invoke -H "Authorization: Bearer ${apiKey}" -H 'Content-Type: application/json' -d '{"input":{"text":"hello"}}'`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.stderr.write('agentry: shutting down, draining in-flight work…\n');
      server.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

/** The model `agentry dev` uses when --model is not given: a real one when a key is present. */
function defaultModelSpec(env: CommandIo['env']): string {
  if (env.OPENAI_API_KEY) return 'openai:gpt-4o-mini';
  if (env.ANTHROPIC_API_KEY) return 'anthropic:claude-haiku-4-5';
  return 'local';
}
