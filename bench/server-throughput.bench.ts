// Server throughput: the Agentry server (auth, request id, body limits, validation, runtime,
// pack, JSON answer) against a bare node:http JSON echo that sends the same answer, each in its
// own process, loaded from this process with the same keep-alive connections and payload, in
// alternating rounds.
import { Pool } from 'undici';
import { startChildServer } from './lib/child-process-server.ts';
import type { BenchSection } from './lib/measure.ts';

async function load(url: string, path: string, headers: Record<string, string>, durationMs: number, connections: number): Promise<number> {
  const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const body = JSON.stringify({ input: { text: 'hello' } });
  let completed = 0;
  const deadline = performance.now() + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const response = await pool.request({ method: 'POST', path, headers, body });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
      completed++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = performance.now() - started;
  await pool.close();
  return (completed / elapsed) * 1000;
}

/** What a server answers to the bench's request: body fields, size and header names. */
interface Answer {
  body: Record<string, unknown>;
  bytes: number;
  headers: string[];
}

/** One request, to check what a server answers before it is timed. */
async function answerOf(url: string, path: string, headers: Record<string, string>): Promise<Answer> {
  const pool = new Pool(url, { connections: 1 });
  try {
    const response = await pool.request({ method: 'POST', path, headers, body: JSON.stringify({ input: { text: 'hello' } }) });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`bench: ${url}${path} answered ${response.statusCode}: ${text}`);
    return { body: JSON.parse(text) as Record<string, unknown>, bytes: Buffer.byteLength(text), headers: Object.keys(response.headers).sort() };
  } finally {
    await pool.close();
  }
}

/**
 * The comparison is fair only while both servers send the same answer: the same fields and headers
 * and (give or take a digit of latency) the same bytes. Fails the bench when a change to either
 * server breaks that, instead of reporting a ratio of unlike work.
 */
function assertSameAnswer(bare: Answer, agentry: Answer): void {
  const fields = (answer: Answer) => Object.keys(answer.body).join(',');
  if (fields(bare) !== fields(agentry) || bare.headers.join(',') !== agentry.headers.join(',') || Math.abs(bare.bytes - agentry.bytes) > 4) {
    throw new Error(
      `bench: the bare server no longer answers like the Agentry server (fields ${fields(bare)} vs ${fields(agentry)}; ` +
        `headers ${bare.headers.join(',')} vs ${agentry.headers.join(',')}; ${bare.bytes} vs ${agentry.bytes} bytes); keep bench/servers/bare-echo-server.ts in step`,
    );
  }
}

export async function runServerThroughputBench(options: { rounds: number; roundMs: number }): Promise<BenchSection[]> {
  const agentryChild = await startChildServer('servers/agentry-server.ts');
  const bareChild = await startChildServer('servers/bare-echo-server.ts');
  const { agentry } = JSON.parse(agentryChild.url) as { agentry: string };
  const { url: bare } = JSON.parse(bareChild.url) as { url: string };
  const headers = { 'content-type': 'application/json', authorization: 'Bearer bench-key' };
  const connections = 16;
  try {
    assertSameAnswer(await answerOf(bare, '/', headers), await answerOf(agentry, '/v1/agents/echo/invoke', headers));
    // Warm both up before measuring, long enough for this process's load generator (undici) to
    // reach its steady speed: the bare server is bound by it, so a cold generator flatters the ratio.
    const warmupMs = Math.max(2_000, options.roundMs);
    await load(bare, '/', headers, warmupMs, connections);
    await load(agentry, '/v1/agents/echo/invoke', headers, warmupMs, connections);
    const bareRates: number[] = [];
    const agentryRates: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      bareRates.push(await load(bare, '/', headers, options.roundMs, connections));
      agentryRates.push(await load(agentry, '/v1/agents/echo/invoke', headers, options.roundMs, connections));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const bareRate = median(bareRates);
    const agentryRate = median(agentryRates);
    const ratio = agentryRate / bareRate;
    return [
      {
        title: `Server throughput (${connections} keep-alive connections, ${options.rounds} alternating rounds of ${options.roundMs} ms after ${warmupMs} ms warm-up each; servers on node with the built packages)`,
        body: [
          '| server | includes | median requests/s | ratio to bare node:http |',
          '| --- | --- | --- | --- |',
          `| bare node:http JSON echo | parse body, the same JSON answer and headers | ${bareRate.toFixed(0)} | 1.00 |`,
          `| Agentry server, echo pack | auth, request id, idempotency-free invoke, body limit, zod request + input + output checks, runtime, usage | ${agentryRate.toFixed(0)} | ${ratio.toFixed(2)} |`,
        ].join('\n'),
        verdicts: [`server throughput ratio to bare node:http: ${ratio.toFixed(2)} (target >= 0.60) — ${ratio >= 0.6 ? 'met' : 'missed'}`],
      },
    ];
  } finally {
    await Promise.all([agentryChild.stop(), bareChild.stop()]);
  }
}
