/** Where a command writes; injectable so commands are testable without spawning processes. */
export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
}

export const processIo: CommandIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };
