// Client call overhead and stream consumption against their peers, measured in the same run.
import { createParser } from 'eventsource-parser';
import { Agent, request } from 'undici';
import { importBuiltSdk } from './lib/built-sdk.ts';
import { startChildServer } from './lib/child-process-server.ts';
import { figuresTable, measureInterleaved, type BenchSection } from './lib/measure.ts';

export async function runClientOverheadBench(options: { iterations: number; warmup: number }): Promise<BenchSection[]> {
  // The client as published (dist), like the undici and eventsource-parser it is compared with.
  const { createClient } = await importBuiltSdk();
  const child = await startChildServer('servers/agentry-server.ts');
  const { agentry, streams } = JSON.parse(child.url) as { agentry: string; streams: string };
  // One keep-alive pool per case, so no case benefits from another's warm connection.
  const rawPool = new Agent({ keepAliveTimeout: 60_000 });
  const clientPool = new Agent({ keepAliveTimeout: 60_000 });
  const client = createClient({ baseUrl: agentry, apiKey: 'bench-key', dispatcher: clientPool });
  const body = JSON.stringify({ input: { text: 'hello' } });
  const headers = { authorization: 'Bearer bench-key', 'content-type': 'application/json' };
  try {
    const invoke = await measureInterleaved(
      [
        {
          name: 'raw undici.request',
          includes: 'POST with request id and idempotency key, read body, JSON.parse',
          run: async () => {
            // The same request the client sends: per-call request id and idempotency key.
            const id = globalThis.crypto.randomUUID().replaceAll('-', '');
            const response = await request(`${agentry}/v1/agents/echo/invoke`, {
              method: 'POST',
              headers: { ...headers, 'x-request-id': `req_${id}`, 'idempotency-key': `idk_${id}` },
              body,
              dispatcher: rawPool,
            });
            return response.body.json();
          },
        },
        {
          name: 'agentry client.invoke',
          includes: 'ids, retry wrapper, deadlines, zod validation of the result',
          run: () => client.invoke('echo', { text: 'hello' }),
        },
      ],
      options,
    );

    const streamPoolBare = new Agent({ keepAliveTimeout: 60_000 });
    const streamPoolClient = new Agent({ keepAliveTimeout: 60_000 });
    const streamClient = createClient({ baseUrl: streams, apiKey: 'bench-key', dispatcher: streamPoolClient });
    const stream = await measureInterleaved(
      [
        {
          name: 'undici + eventsource-parser',
          includes: 'read 403 SSE events, JSON.parse each',
          run: async () => {
            const response = await request(`${streams}/v1/agents/summarize/stream`, { method: 'POST', headers, body, dispatcher: streamPoolBare });
            let count = 0;
            const parser = createParser({ onEvent: (message) => void (JSON.parse(message.data) && count++) });
            const decoder = new TextDecoder();
            for await (const chunk of response.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
            return count;
          },
        },
        {
          name: 'agentry client.stream',
          includes: 'the same, plus typed events, stall watch, resume bookkeeping, result validation',
          run: async () => {
            let count = 0;
            for await (const _event of streamClient.stream('summarize', { text: 'x' })) count++;
            return count;
          },
        },
      ],
      // A stream call takes a few invokes' time; half as many samples keeps the run short enough.
      { iterations: Math.ceil(options.iterations / 2), warmup: options.warmup },
    );
    await Promise.all([streamPoolBare.close(), streamPoolClient.close()]);

    const invokeRatio = invoke[1]!.p50 / invoke[0]!.p50;
    const streamThroughput = stream[0]!.p50 / stream[1]!.p50;
    return [
      {
        title: 'Client invoke overhead (loopback, server in another process)',
        body: figuresTable(invoke),
        verdicts: [`invoke p50 ratio to raw undici: ${invokeRatio.toFixed(2)} (target <= 1.10) — ${invokeRatio <= 1.1 ? 'met' : 'missed'}`],
      },
      {
        title: 'Stream consumption (403 events, identical bytes)',
        body: figuresTable(stream),
        verdicts: [
          `stream throughput relative to bare eventsource-parser: ${streamThroughput.toFixed(2)} (target >= 0.90) — ${streamThroughput >= 0.9 ? 'met' : 'missed'}`,
        ],
      },
    ];
  } finally {
    await Promise.all([rawPool.close(), clientPool.close()]);
    await child.stop();
  }
}
