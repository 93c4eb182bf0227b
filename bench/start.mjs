// Entry of `npm run bench`: runs bench/run.ts under node itself where node strips types (22.18+,
// 24), the built packages loaded as users load them; through tsx only where it cannot.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const run = fileURLToPath(new URL('./run.ts', import.meta.url));
const args = process.argv.slice(2);
const stripsTypes = typeof process.features.typescript === 'string';
const command = stripsTypes ? process.execPath : fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const result = spawnSync(command, [...(stripsTypes ? ['--disable-warning=ExperimentalWarning'] : []), run, ...args], { stdio: 'inherit' });
process.exitCode = result.status ?? 1;
