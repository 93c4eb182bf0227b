// The Agentry quickstart: agents running in this process (no server, no services), called three
// ways — invoke, stream, and an async job whose outcome arrives as a signed webhook.
// Run with `npm run demo`.
import { createServer as createHttpServer } from 'node:http';
import { once } from 'node:events';
import { createClient, createWebhookSecret, verifyWebhook, type JobWebhookPayload, type Usage } from '@agentry/sdk';
import { builtinPacks } from '@agentry/task-packs';

const article = `Agentry wraps every agent call in one typed pipeline. Metering records tokens, cost and
latency for each call. Budgets refuse calls once a tenant's envelope is spent. The cache stores only
results whose evaluations pass. The office coffee machine was repaired on Tuesday. Jobs run in the
background and report back through signed webhooks.`;

function describeUsage(usage: Usage): string {
  return `${usage.inputTokens} in / ${usage.outputTokens} out tokens, $${usage.costUsd.toFixed(6)}, ${usage.latencyMs} ms`;
}

export async function runQuickstart(log: (line: string) => void = console.log): Promise<void> {
  // A webhook receiver on loopback, standing in for your application's endpoint.
  const secret = createWebhookSecret();
  const received = Promise.withResolvers<JobWebhookPayload>();
  const receiver = createHttpServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    try {
      received.resolve(verifyWebhook<JobWebhookPayload>(Buffer.concat(chunks), request.headers, secret));
      response.writeHead(204).end();
    } catch (error) {
      response.writeHead(400).end();
      received.reject(error);
    }
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const address = receiver.address() as { port: number };

  const client = createClient({
    packs: builtinPacks,
    // Loopback targets are refused by default (SSRF); the demo's receiver lives there.
    webhooks: { secret, allowPrivateTargets: true },
  });

  try {
    log('1. invoke echo');
    const echoed = await client.invoke('echo', { text: 'Hello, Agentry!' });
    log(`   output: ${JSON.stringify(echoed.output)}`);
    log(`   usage:  ${describeUsage(echoed.usage)}`);

    log('2. stream summarize');
    const stream = client.stream('summarize', { text: article });
    let line = '   text:   ';
    for await (const event of stream) {
      if (event.type === 'text-delta') line += event.text;
    }
    log(line);
    const summary = await stream.result();
    log(`   usage:  ${describeUsage(summary.usage)} (first text after ${summary.usage.timeToFirstEventMs ?? 0} ms)`);

    log('3. submit a summarize job with a webhook');
    const job = await client.submit('summarize', { text: article }, { webhook: { url: `http://127.0.0.1:${address.port}/hooks/agentry` } });
    log(`   job ${job.id} accepted`);
    const result = await job.result();
    const webhook = await received.promise;
    log(`   webhook ${webhook.type} verified (Standard Webhooks signature) for job ${webhook.data.jobId}`);
    log(`   output: ${JSON.stringify(result.output)}`);
    log(`   usage:  ${describeUsage(result.usage)}`);
  } finally {
    await client.close();
    receiver.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  await runQuickstart();
  console.log(`Done in ${Date.now() - started} ms. Next: \`npx agentry dev\` serves the same agents over HTTP.`);
}
