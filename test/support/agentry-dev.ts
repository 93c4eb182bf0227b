import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const agentryBin = fileURLToPath(new URL('../../packages/sdk/bin/agentry.cjs', import.meta.url));

/** Starts the built `agentry dev` on a free loopback port and resolves once it printed its URL. */
export async function startAgentryDev(env: Record<string, string> = {}): Promise<{ url: string; apiKey: string; webhookSecret: string; metricsToken: string; output: string[]; stop(): Promise<number | null> }> {
  const child: ChildProcess = spawn(process.execPath, [agentryBin, 'dev', '--port', '0'], {
    // No provider keys: the dev server must use the deterministic local model in tests.
    env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`agentry dev exited with ${code}: ${output.join('\n')}`)));
    lines.on('line', (line) => {
      output.push(line);
      if (line.startsWith('Agents:')) resolve();
    });
  });
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  await ready;
  const value = (prefix: string) => output.find((line) => line.startsWith(prefix))!.slice(prefix.length).trim();
  return {
    url: value('Agentry dev server listening on'),
    apiKey: value('API key:'),
    webhookSecret: value('Webhook secret:'),
    metricsToken: value('Metrics token:').split(' ')[0]!,
    output,
    async stop() {
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
