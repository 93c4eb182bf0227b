import { spawn } from 'node:child_process'; import { once } from 'node:events'; import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { startChildServer } from './lib/child-process-server';
async function load(url: string, path: string, ms: number): Promise<number> {
  const pool = new Pool(url, { connections: 16, pipelining: 1, keepAliveTimeout: 60_000 });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer bench-key' }; const body = JSON.stringify({ input: { text: 'hello' } });
  let n = 0; const deadline = performance.now() + ms; const t0 = performance.now();
  await Promise.all(Array.from({ length: 16 }, async () => { while (performance.now() < deadline) { const r = await pool.request({ method: 'POST', path, headers, body }); await r.body.dump(); n++; } }));
  const rate = (n / (performance.now() - t0)) * 1000; await pool.close(); return rate;
}
async function startBundle(file: string) { const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MODE: 'full' } }); const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string]; return { url: JSON.parse(line).agentry as string, stop: async () => { child.kill('SIGTERM'); await once(child, 'exit'); } }; }
const bare = await startChildServer('servers/bare-echo-server.ts'); const bareUrl = JSON.parse(bare.url).url as string;
const names = (process.env.VARIANTS ?? 'base,now,nowrtp').split(',');
const servers = await Promise.all(names.map((v) => startBundle(`/tmp/pf/v/${v}/srv-rel.mjs`)));
await load(bareUrl, '/', 3000); for (const s of servers) await load(s.url, '/v1/agents/echo/invoke', 2000);
const ratios: Record<string, number[]> = {};
for (let r = 0; r < Number(process.env.ROUNDS ?? 5); r++) { const b = await load(bareUrl, '/', 1500); const parts = [`bare ${b.toFixed(0)}`]; for (let i = 0; i < servers.length; i++) { const x = await load(servers[i]!.url, '/v1/agents/echo/invoke', 1500); (ratios[names[i]!] ??= []).push(x / b); parts.push(`${names[i]} ${(x / b).toFixed(2)}`); } console.log(parts.join('  ')); }
for (const [k, v] of Object.entries(ratios)) { v.sort((a, b) => a - b); console.log(k, 'median ratio', v[v.length >> 1]!.toFixed(2)); }
await Promise.all([bare.stop(), ...servers.map((s) => s.stop())]);
