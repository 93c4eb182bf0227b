// Peer for server throughput: a bare node:http server that parses the JSON body and answers what
// an Agentry invoke answers: the same InvokeResult fields (ids of the same length, a usage block,
// cache, evals, variant), the same headers (JSON content type, length, X-Request-Id), so both
// servers parse, serialise and send the same bytes. Only the work in between differs. The floor
// no framework can beat.
import { createServer } from 'node:http';
import { once } from 'node:events';

// Fixed ids as long as Agentry's (`inv_`/`req_` and 32 hex digits): the floor makes none.
const invocationId = `inv_${'0'.repeat(32)}`;
const requestId = `req_${'0'.repeat(32)}`;

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: unknown };
    const answer = JSON.stringify({
      id: invocationId,
      agent: 'echo',
      version: '1.0.0',
      output: body.input,
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0, latencyMs: 0, modelCalls: 0 },
      cache: { hit: false },
      evals: [],
      variant: null,
      requestId,
    });
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer), 'x-request-id': requestId });
    response.end(answer);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1');
await once(server, 'listening');
console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }));
process.on('SIGTERM', () => process.exit(0));
