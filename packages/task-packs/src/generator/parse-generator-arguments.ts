import { AgentryError } from '@agentry/sdk';

/** The capabilities a scaffold can start with. */
export const scaffoldCapabilities = ['model', 'tools', 'network'] as const;
export type ScaffoldCapability = (typeof scaffoldCapabilities)[number];

/** What the command line said; absent fields are asked for, or defaulted under `--yes`. */
export interface GeneratorArguments {
  command: 'new' | 'help';
  name?: string;
  description?: string;
  capabilities?: ScaffoldCapability[];
  dir?: string;
  /** Accept defaults for everything not given; never prompt. */
  yes: boolean;
}

/**
 * Parses `new <name> [--description <text>] [--capabilities model,tools,network|none] [--dir <path>] [--yes]`.
 * `--flag=value` works too.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the unknown command, flag or capability.
 */
export function parseGeneratorArguments(argv: readonly string[]): GeneratorArguments {
  const args = argv.flatMap((arg) => (/^--[a-z-]+=/.test(arg) ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg]));
  if (args.length === 0 || args.includes('--help') || args.includes('-h') || args[0] === 'help') return { command: 'help', yes: false };
  const [command, ...rest] = args;
  if (command !== 'new') throw invalid(`unknown command "${command}"`, 'The only command is `new <name>`.');
  const parsed: GeneratorArguments = { command: 'new', yes: false };
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index]!;
    const value = (): string => {
      const next = rest[++index];
      if (next === undefined || next.startsWith('--')) throw invalid(`${arg} needs a value`, `Write ${arg} <value>.`);
      return next;
    };
    switch (arg) {
      case '--yes':
      case '-y':
        parsed.yes = true;
        break;
      case '--description':
        parsed.description = value();
        break;
      case '--dir':
        parsed.dir = value();
        break;
      case '--capabilities':
        parsed.capabilities = parseCapabilities(value());
        break;
      default:
        if (arg.startsWith('-')) throw invalid(`unknown flag ${arg}`, 'Flags: --description, --capabilities, --dir, --yes.');
        if (parsed.name !== undefined) throw invalid(`unexpected argument "${arg}"`, 'Give one pack name; quote a description with spaces.');
        parsed.name = arg;
    }
  }
  return parsed;
}

function parseCapabilities(text: string): ScaffoldCapability[] {
  if (text.trim() === '' || text.trim() === 'none') return [];
  const chosen = text.split(',').map((part) => part.trim()).filter(Boolean);
  for (const capability of chosen) {
    if (!(scaffoldCapabilities as readonly string[]).includes(capability)) {
      throw invalid(`unknown capability "${capability}"`, `Choose from ${scaffoldCapabilities.join(', ')} (comma-separated), or none.`);
    }
  }
  return [...new Set(chosen)] as ScaffoldCapability[];
}

function invalid(problem: string, hint: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', `agentry-task-packs: ${problem}`, { hint });
}

/** The text `--help` prints. */
export const generatorUsage = `Usage: npx @agentry/task-packs new <name> [options]

Scaffolds a task pack whose contract tests pass at once: manifest and handler, fixtures,
contract test, README, changeset and package.json.

Options:
  --description <text>     one line shown in GET /v1/agents
  --capabilities <list>    any of ${scaffoldCapabilities.join(',')} (comma-separated), or none
  --dir <path>             parent directory of the pack (default: the current directory)
  --yes, -y                accept defaults for everything not given; never prompt
  --help, -h               show this help
`;
