// Talks to a running `agentry dev` server: invoke, stream, and a job whose webhook this script
// receives and verifies. Start the server first:
//   AGENTRY_API_KEY=demo-key AGENTRY_WEBHOOK_SECRET=whsec_... npx agentry dev
// then: AGENTRY_URL=http://127.0.0.1:8787 AGENTRY_API_KEY=demo-key AGENTRY_WEBHOOK_SECRET=whsec_... npx tsx examples/dev-server/client.ts
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createClient, verifyWebhook, type JobWebhookPayload } from '@agentry/sdk';

export interface DevServerExampleOptions {
  url: string;
  apiKey: string;
  webhookSecret: string;
  log?: (line: string) => void;
}

export async function runDevServerExample({ url, apiKey, webhookSecret, log = console.log }: DevServerExampleOptions) {
  const client = createClient({ baseUrl: url, apiKey });

  const echoed = await client.invoke('echo', { text: 'hello over HTTP' });
  log(`invoke echo -> ${JSON.stringify(echoed.output)} (${echoed.usage.latencyMs} ms)`);

  let streamed = '';
  const stream = client.stream('summarize', { text: 'HTTP streams carry ids. Clients resume with Last-Event-ID. Nothing is delivered twice.' });
  for await (const text of stream.textStream) streamed += text;
  const summary = await stream.result();
  log(`stream summarize -> "${streamed}" (${summary.usage.outputTokens} output tokens)`);

  const webhook = Promise.withResolvers<JobWebhookPayload>();
  const receiver = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    try {
      webhook.resolve(verifyWebhook<JobWebhookPayload>(Buffer.concat(chunks), request.headers, webhookSecret));
      response.writeHead(204).end();
    } catch (error) {
      response.writeHead(400).end();
      webhook.reject(error);
    }
  }).listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  try {
    const port = (receiver.address() as { port: number }).port;
    const job = await client.submit('echo', { text: 'from a job' }, { webhook: { url: `http://127.0.0.1:${port}/hook` } });
    const result = await job.result();
    const delivered = await webhook.promise;
    log(`job ${job.id} -> ${JSON.stringify(result.output)}; webhook ${delivered.type} verified`);
    return { echoed, summary, result, webhook: delivered };
  } finally {
    receiver.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runDevServerExample({
    url: process.env.AGENTRY_URL ?? 'http://127.0.0.1:8787',
    apiKey: process.env.AGENTRY_API_KEY ?? '',
    webhookSecret: process.env.AGENTRY_WEBHOOK_SECRET ?? '',
  });
}
