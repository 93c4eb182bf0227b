import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerator } from '../../packages/task-packs/src/generator';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const vitestCli = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
const config = fileURLToPath(new URL('./generated-pack.vitest.config.ts', import.meta.url));

/** Runs the generated pack's tests as `npm test` would (`vitest run`), and returns exit code and output. */
function runPackTests(directory: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [vitestCli, 'run', '--root', directory, '--config', config, '--reporter', 'verbose', '--color=false'],
      { cwd: directory, env: { ...process.env, CI: '1', FORCE_COLOR: '0', NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}

function output(): { stdout: { write(text: string): void; text: string }; stderr: { write(text: string): void; text: string } } {
  const stream = () => ({ text: '', write(text: string) { this.text += text; } });
  return { stdout: stream(), stderr: stream() };
}

describe('npx @agentry/task-packs new <name>', () => {
  let parent: string;
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'agentry-generated-pack-'));
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('writes packs whose contract tests pass at once, and fail naming an undeclared metric once the handler records one', { timeout: 60_000 }, async () => {
    const io = output();
    const code = await runGenerator(['new', 'ticket-triage', '--yes', '--dir', parent, '--description', 'Triages support tickets.', '--capabilities', 'model,tools'], io);
    expect(io.stderr.text).toBe('');
    expect(code).toBe(0);
    expect(await runGenerator(['new', 'plain-pack', '--yes', '--dir', parent, '--capabilities', 'none'], output())).toBe(0);
    expect(await runGenerator(['new', 'api-pack', '--yes', '--dir', parent, '--capabilities', 'network'], output())).toBe(0);
    const directory = join(parent, 'ticket-triage');
    expect((await readdir(directory, { recursive: true })).sort()).toEqual(
      [
        '.changeset',
        '.changeset/config.json',
        '.changeset/ticket-triage-initial.md',
        'README.md',
        'package.json',
        'src',
        'src/fixtures.ts',
        'src/ticket-triage.contract.test.ts',
        'src/ticket-triage.ts',
        'tsconfig.json',
      ].sort(),
    );
    expect(JSON.parse(await readFile(join(directory, 'package.json'), 'utf8'))).toMatchObject({ name: 'ticket-triage', scripts: { test: 'vitest run' } });
    expect(await readFile(join(directory, '.changeset/ticket-triage-initial.md'), 'utf8')).toContain('"ticket-triage": minor');
    // What `npm install` would provide: the packages, resolved from this repository.
    await symlink(join(repoRoot, 'node_modules'), join(parent, 'node_modules'), 'dir');

    const passing = await runPackTests(parent);
    expect(passing.output).toMatch(/Tests\s+24 passed \(24\)/);
    expect(passing.code, passing.output).toBe(0);

    const source = join(directory, 'src', 'ticket-triage.ts');
    const handler = await readFile(source, 'utf8');
    await writeFile(source, handler.replace("ctx.telemetry.metric('ticket_triage_requests_total', 1);", "$&\n    ctx.telemetry.metric('surprise_total', 1);"));
    const failing = await runPackTests(directory);
    expect(failing.code).not.toBe(0);
    expect(failing.output).toContain(
      'task pack ticket-triage@0.1.0 failed contract check "telemetry": the handler recorded metric "surprise_total", which telemetry.metrics does not declare. Fix: declare "surprise_total" under telemetry.metrics, or stop recording it.',
    );
  });

  it.each([
    [['new', 'Bad_Name', '--yes'], /"Bad_Name" is not a valid pack name/],
    [['new', 'x', '--capabilities', 'root'], /unknown capability "root"/],
    [['new', 'x', '--colour'], /unknown flag --colour/],
    [['build'], /unknown command "build"/],
  ])('refuses %j with a coded message and exit code 1', async (argv, message) => {
    const io = output();
    expect(await runGenerator([...argv, '--dir', join(parent, 'misc')], io)).toBe(1);
    expect(io.stderr.text).toMatch(message);
  });

  it('asks for --yes instead of hanging when there is no terminal to prompt in', async () => {
    const io = output();
    expect(await runGenerator(['new', 'quiet-pack', '--dir', join(parent, 'misc')], { ...io, interactive: false })).toBe(1);
    expect(io.stderr.text).toMatch(/pass --yes/);
  });

  it('refuses to write into an existing, non-empty directory', async () => {
    const misc = join(parent, 'misc');
    expect(await runGenerator(['new', 'twice', '--yes', '--dir', misc], output())).toBe(0);
    const io = output();
    expect(await runGenerator(['new', 'twice', '--yes', '--dir', misc], io)).toBe(1);
    expect(io.stderr.text).toMatch(/already exists and is not empty/);
  });
});
