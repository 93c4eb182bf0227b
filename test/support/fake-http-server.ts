import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A loopback HTTP server for tests, answering with the given handler; records every request. */
export interface FakeHttpServer {
  url: string;
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  close(): Promise<void>;
}

export async function startFakeHttpServer(
  handler: (request: IncomingMessage, response: ServerResponse, body: string, index: number) => void | Promise<void>,
): Promise<FakeHttpServer> {
  const requests: FakeHttpServer['requests'] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
    await handler(request, response, body, requests.length - 1);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Writes one SSE event the way an Agentry server does. */
export function sse(response: ServerResponse, id: string, data: { type: string } & Record<string, unknown>): void {
  response.write(`id: ${id}\nevent: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
}

export const sampleUsage = {
  inputTokens: 1,
  outputTokens: 2,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  costUsd: 0,
  latencyMs: 3,
  modelCalls: 1,
};

export function sampleResult(output: unknown = { text: 'ok' }) {
  return {
    id: 'inv_1',
    agent: 'echo',
    version: '1.0.0',
    output,
    usage: sampleUsage,
    cache: { hit: false },
    evals: [],
    variant: null,
    requestId: 'req_1',
  };
}
