import { execFile } from 'node:child_process';

/** Result of a finished command. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell and collects its output; never throws for a non-zero exit. */
export function runCommand(
  file: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 256 * 1024 * 1024, timeout: options.timeoutMs ?? 0 },
      (error, stdout, stderr) => {
        if (error !== null && typeof (error as { code?: unknown }).code !== 'number') {
          reject(new Error(`${file} ${args.join(' ')} could not run: ${error.message}`));
          return;
        }
        resolvePromise({ code: error === null ? 0 : Number((error as { code?: number }).code), stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Like {@link runCommand} but fails with the command's stderr on a non-zero exit. */
export async function runChecked(file: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string> {
  const result = await runCommand(file, args, options);
  if (result.code !== 0) {
    const noise = /^npm warn Unknown user config/;
    const stderr = result.stderr.split('\n').filter((line) => !noise.test(line)).join('\n').trim();
    throw new Error(`\`${[file, ...args].join(' ')}\` exited with ${result.code}${stderr === '' ? '' : `:\n${stderr}`}`);
  }
  return result.stdout;
}
