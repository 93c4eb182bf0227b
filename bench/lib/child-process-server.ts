import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Starts a bench server script in its own process (a shared event loop would hide costs) and
 * resolves with the URL it prints on its first stdout line.
 */
export async function startChildServer(script: string): Promise<{ url: string; stop(): Promise<void> }> {
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  const child: ChildProcess = spawn(tsx, [fileURLToPath(new URL(`../${script}`, import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [url] = (await once(lines, 'line')) as [string];
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
