import { relative } from 'node:path';
import { isAgentryError } from '@agentry/sdk';
import { generateTaskPack } from './generate-task-pack';
import { generatorUsage, parseGeneratorArguments } from './parse-generator-arguments';

/** Streams the command writes to; injected so tests read them. */
export interface GeneratorIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Whether a person can answer prompts. @default process.stdin.isTTY */
  interactive?: boolean;
}

/**
 * The `agentry-task-packs` command: `new <name>` scaffolds a pack. Returns the exit code.
 *
 * @example
 * process.exitCode = await runGenerator(['new', 'ticket-triage', '--yes']);
 */
export async function runGenerator(argv: readonly string[], io: GeneratorIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  try {
    const args = parseGeneratorArguments(argv);
    if (args.command === 'help') {
      io.stdout.write(generatorUsage);
      return 0;
    }
    const interactive = io.interactive ?? process.stdin.isTTY === true;
    const needsAnswers = args.name === undefined || args.description === undefined || args.capabilities === undefined;
    if (!args.yes && needsAnswers && !interactive) {
      io.stderr.write('agentry-task-packs: no terminal to ask in; pass --yes (and --description, --capabilities) to run without prompts\n');
      return 1;
    }
    const generated = await generateTaskPack({
      ...(args.name === undefined ? {} : { name: args.name }),
      ...(args.description === undefined ? {} : { description: args.description }),
      ...(args.capabilities === undefined ? {} : { capabilities: args.capabilities }),
      ...(args.dir === undefined ? {} : { dir: args.dir }),
      yes: args.yes,
    });
    const shown = relative(process.cwd(), generated.directory) || '.';
    io.stdout.write(
      [
        `Created task pack ${generated.name} in ${shown}:`,
        ...generated.files.map((file) => `  ${relative(process.cwd(), file)}`),
        '',
        'Next:',
        `  cd ${shown}`,
        '  npm install',
        '  npm test',
        '',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    const message = isAgentryError(error) ? `${error.message}\n  ${error.hint}` : String((error as Error)?.stack ?? error);
    io.stderr.write(`${message}\n`);
    return 1;
  }
}
