// Peer for server throughput: a bare node:http server that parses a JSON body and echoes a JSON
// answer of the same shape an Agentry invoke returns. The floor no framework can beat.
import { createServer } from 'node:http';
import { once } from 'node:events';

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: unknown };
    const answer = JSON.stringify({ id: 'inv_1', agent: 'echo', version: '1.0.0', output: body.input, requestId: 'req_1' });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
    response.end(answer);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1');
await once(server, 'listening');
console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }));
process.on('SIGTERM', () => process.exit(0));
