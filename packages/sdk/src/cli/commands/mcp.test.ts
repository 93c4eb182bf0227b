import { describe, expect, it } from 'vitest';
import { runMcpCommand } from './mcp';

function io(env: Record<string, string | undefined> = {}) {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) }, env } };
}

describe('agentry mcp', () => {
  it('refuses to serve HTTP without an API key unless --no-auth says so', async () => {
    await expect(runMcpCommand(['--http', '--port', '0'], io().io)).rejects.toMatchObject({
      code: 'AGENTRY_INVALID_OPTIONS',
      hint: expect.stringContaining('--no-auth'),
    });
  });

  it('refuses --no-auth without --http, where it means nothing', async () => {
    await expect(runMcpCommand(['--no-auth'], io().io)).rejects.toMatchObject({ code: 'AGENTRY_INVALID_OPTIONS' });
  });

  it('prints its usage with the --no-auth flag', async () => {
    const { out, io: commandIo } = io();
    expect(await runMcpCommand(['--help'], commandIo)).toBe(0);
    expect(out.stdout).toContain('--no-auth');
  });
});
