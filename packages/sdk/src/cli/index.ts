import { formatCliError } from './format-error';
import { processIo, type CommandIo } from './io';
import { devUsage, runDevCommand } from './commands/dev';
import { invokeUsage, runInvokeCommand } from './commands/invoke';

const version = '0.1.0';

type Command = (argv: string[], io: CommandIo) => Promise<number>;

// Commands load on demand so `agentry invoke` does not pay for the server or the report renderer.
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  dev: { summary: 'start the runtime server with the built-in packs (in-memory)', load: async () => runDevCommand },
  invoke: { summary: 'call an agent on a server', load: async () => runInvokeCommand },
  mcp: { summary: 'serve the task packs as MCP tools (stdio, or --http)', load: async () => (await import('./commands/mcp')).runMcpCommand },
  report: { summary: 'KPI summary of a usage file (table, --json, --html)', load: async () => (await import('./commands/report')).runReportCommand },
  eval: { summary: 'run a dataset against an agent: pass rate, pass^N, baseline diffs', load: async () => (await import('./commands/eval')).runEvalCommand },
  verify: { summary: 'verify a release tarball offline against its Sigstore bundle and SBOM', load: async () => (await import('./commands/verify')).runVerifyCommand },
  audit: { summary: 'verify or export a hash-chained governance audit log', load: async () => (await import('./commands/audit')).runAuditCommand },
};

/** Adds a command; used by modules that ship their own (report, eval, audit, verify). */
export function registerCommand(name: string, summary: string, load: () => Promise<Command>): void {
  commands[name] = { summary, load };
}

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    `agentry ${version}: production AI agents`,
    '',
    'Usage: agentry <command> [options]',
    '',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'Run `agentry <command> --help` for a command\'s options.',
    '',
  ].join('\n');
}

/** Entry point of the `agentry` binary. Sets the exit code; prints errors as one coded line plus a hint. */
export async function main(argv: string[], io: CommandIo = processIo): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version}\n`);
    return;
  }
  const command = commands[name];
  if (command === undefined) {
    io.stderr.write(`agentry: unknown command "${name}"\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  try {
    process.exitCode = await (await command.load())(rest, io);
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`agentry ${name}: ${(error as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    io.stderr.write(formatCliError(error));
    process.exitCode = 1;
  }
}

export { devUsage, invokeUsage };
