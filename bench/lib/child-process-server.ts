import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, nodeStripsTypes } from './built-sdk.ts';

/**
 * Starts a bench server script in its own process (a shared event loop would hide costs) and
 * resolves with the URL it prints on its first stdout line. The script runs under plain node with
 * the built packages (`@agentry/*` resolve to their dist), like the peer servers and like users
 * run it; tsx only when this Node cannot strip types.
 */
export async function startChildServer(script: string): Promise<{ url: string; stop(): Promise<void> }> {
  const file = fileURLToPath(new URL(`../${script}`, import.meta.url));
  let command: string;
  if (nodeStripsTypes()) {
    ensureBuilt();
    command = process.execPath;
  } else {
    command = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  }
  const child: ChildProcess = spawn(command, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
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
