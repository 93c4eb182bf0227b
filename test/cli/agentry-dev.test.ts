import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { runDevServerExample } from '../../examples/dev-server/client';
import { agentryBin, startAgentryDev } from '../support/agentry-dev';

const run = promisify(execFile);
let dev: Awaited<ReturnType<typeof startAgentryDev>>;

beforeAll(async () => {
  dev = await startAgentryDev({ AGENTRY_API_KEY: 'test-key', AGENTRY_WEBHOOK_SECRET: 'whsec_dGVzdC1zZWNyZXQtdGVzdC1zZWNyZXQ=' });
});
afterAll(async () => {
  expect(await dev.stop()).toBe(0);
});

describe('agentry dev', () => {
  it('prints its URL, the API key and the webhook secret taken from the environment', () => {
    expect(dev.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(dev.apiKey).toBe('test-key');
    expect(dev.webhookSecret).toBe('whsec_dGVzdC1zZWNyZXQtdGVzdC1zZWNyZXQ=');
  });

  it('serves invoke, a stream with id lines, and jobs to plain HTTP clients', async () => {
    const headers = { authorization: `Bearer ${dev.apiKey}`, 'content-type': 'application/json' };
    const invoke = await request(`${dev.url}/v1/agents/echo/invoke`, { method: 'POST', headers, body: '{"input":{"text":"hello"}}' });
    expect(await invoke.body.json()).toMatchObject({ output: { text: 'hello' } });

    const stream = await request(`${dev.url}/v1/agents/summarize/stream`, { method: 'POST', headers, body: '{"input":{"text":"One. Two. Three."}}' });
    expect(stream.headers['content-type']).toContain('text/event-stream');
    const text = await stream.body.text();
    expect(text).toMatch(/^id: str_\w+\.1\nevent: start\n/);
    expect(text).toContain('event: result');

    const created = await request(`${dev.url}/v1/agents/echo/jobs`, { method: 'POST', headers, body: '{"input":{"text":"later"}}' });
    expect(created.statusCode).toBe(202);
    const { jobId } = (await created.body.json()) as { jobId: string };
    let status = 'queued';
    for (let attempt = 0; attempt < 50 && status !== 'succeeded'; attempt++) {
      const polled = await request(`${dev.url}/v1/jobs/${jobId}`, { headers });
      status = ((await polled.body.json()) as { status: string }).status;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(status).toBe('succeeded');
  });

  it('serves Prometheus metrics to the printed metrics token, and not to an API key', async () => {
    const scraped = await request(`${dev.url}/metrics`, { headers: { authorization: `Bearer ${dev.metricsToken}` } });
    expect(scraped.statusCode).toBe(200);
    expect(await scraped.body.text()).toContain('# TYPE');
    const withApiKey = await request(`${dev.url}/metrics`, { headers: { authorization: `Bearer ${dev.apiKey}` } });
    expect(withApiKey.statusCode).toBe(401);
    await withApiKey.body.dump();
  });

  it('runs the dev-server example end to end, webhook verified', async () => {
    const lines: string[] = [];
    const outcome = await runDevServerExample({ url: dev.url, apiKey: dev.apiKey, webhookSecret: dev.webhookSecret, log: (line) => lines.push(line) });
    expect(outcome.webhook).toMatchObject({ type: 'job.succeeded', data: { status: 'succeeded' } });
    expect(lines).toHaveLength(3);
  });

  it('`agentry invoke` prints the result, and a coded error with a hint for bad input', async () => {
    const env = { ...process.env, AGENTRY_URL: dev.url, AGENTRY_API_KEY: dev.apiKey };
    const { stdout } = await run(process.execPath, [agentryBin, 'invoke', 'echo', '--input', '{"text":"cli"}'], { env });
    expect(JSON.parse(stdout)).toMatchObject({ output: { text: 'cli' } });
    const failure = await run(process.execPath, [agentryBin, 'invoke', 'echo', '--input', '{"text":1}'], { env }).catch((error: { stderr: string; code: number }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/\(AGENTRY_INVALID_INPUT\)\n  hint: .+\n  - text: /);
    expect((failure as { stderr: string }).stderr).not.toMatch(/at .+\.js:\d+/);
  });
});
