// Bench server process: the Agentry runtime server hosting `echo`, plus a fixed 400-event
// agentry.v1 stream served by bare node:http so stream cases read identical bytes.
import { createServer as createHttpServer } from 'node:http';
import { once } from 'node:events';
import { createServer } from '@agentry/sdk/server';
import { echoPack } from '@agentry/task-packs';

export const benchApiKey = 'bench-key';

const server = createServer({ packs: [echoPack], apiKeys: { [benchApiKey]: { tenant: 'bench' } } });
const { url } = await server.listen({ port: 0, host: '127.0.0.1' });

const usage = { inputTokens: 10, outputTokens: 400, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0, latencyMs: 1, modelCalls: 1 };
let body = '';
const event = (seq: number, data: { type: string } & Record<string, unknown>) => {
  body += `id: str_bench.${seq}\nevent: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
};
event(1, { type: 'start', id: 'inv_bench', agent: 'summarize', version: '1.0.0', requestId: 'req_bench' });
for (let index = 0; index < 400; index++) event(index + 2, { type: 'text-delta', text: `token${index} ` });
event(402, { type: 'usage', usage });
event(403, {
  type: 'result',
  result: { id: 'inv_bench', agent: 'summarize', version: '1.0.0', output: { summary: 'x' }, usage, cache: { hit: false }, evals: [], variant: null, requestId: 'req_bench' },
});
const streamBytes = Buffer.from(body);

const streams = createHttpServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    // Written in a few chunks, as a real server would flush them.
    const chunk = Math.ceil(streamBytes.length / 8);
    for (let offset = 0; offset < streamBytes.length; offset += chunk) response.write(streamBytes.subarray(offset, offset + chunk));
    response.end();
  });
});
streams.keepAliveTimeout = 60_000;
streams.listen(0, '127.0.0.1');
await once(streams, 'listening');
const streamsPort = (streams.address() as { port: number }).port;

console.log(JSON.stringify({ agentry: url, streams: `http://127.0.0.1:${streamsPort}` }));
process.on('SIGTERM', async () => {
  streams.close();
  await server.close({ timeoutMs: 1_000 });
  process.exit(0);
});
