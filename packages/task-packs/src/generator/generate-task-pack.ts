import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { AgentryError } from '@agentry/sdk';
import nodePlop, { type ActionType, type NodePlopAPI, type PromptQuestion } from 'node-plop';
import { scaffoldCapabilities, type ScaffoldCapability } from './parse-generator-arguments';
import { findChangesetRoot, scaffoldRanges, taskPacksRoot } from './package-paths';

/** Options of {@link generateTaskPack}. */
export interface GenerateTaskPackOptions {
  /** Pack id and directory name: lowercase letters, digits and dashes, starting with a letter. */
  name?: string;
  /** One line shown in `GET /v1/agents`. @default 'A task pack that <name words>.' */
  description?: string;
  /** Capabilities the scaffold declares and uses. @default [] (plain computation) */
  capabilities?: readonly ScaffoldCapability[];
  /** Parent directory of the pack. @default process.cwd() */
  dir?: string;
  /** Accept defaults for everything not given instead of prompting. @default false */
  yes?: boolean;
}

/** What {@link generateTaskPack} wrote. */
export interface GeneratedTaskPack {
  /** Absolute directory of the new pack. */
  directory: string;
  name: string;
  /** Absolute paths of the files written. */
  files: string[];
}

const namePattern = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * Writes a task pack with plop: manifest and handler, fixtures, a contract test, README,
 * changeset and package.json, so `npm test` passes at once. Prompts (with plop's inquirer) for
 * whatever the options leave out unless `yes` is set.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` for a bad name or an existing, non-empty target directory.
 * @example
 * await generateTaskPack({ name: 'ticket-triage', description: 'Triages tickets.', capabilities: ['model'], yes: true });
 */
export async function generateTaskPack(options: GenerateTaskPackOptions): Promise<GeneratedTaskPack> {
  const parent = resolve(options.dir ?? process.cwd());
  const plop = await nodePlop('', { destBasePath: parent, force: false });
  plop.setHelper('json', (value: unknown) => JSON.stringify(value));
  const missing = options.yes ? [] : prompts(options);
  const answers = { ...defaults(options), ...(missing.length > 0 ? await plop.setGenerator('ask', { description: 'ask', prompts: missing, actions: [] }).runPrompts() : {}) };
  const name = String(answers.name);
  if (!namePattern.test(name)) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `agentry-task-packs: "${name}" is not a valid pack name`, {
      hint: 'Use lowercase letters, digits and dashes, starting with a letter (e.g. ticket-triage).',
    });
  }
  const directory = join(parent, name);
  if (existsSync(directory) && readdirSync(directory).length > 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `agentry-task-packs: ${directory} already exists and is not empty`, {
      hint: 'Choose another name or --dir, or remove the directory.',
    });
  }
  const capabilities = new Set(answers.capabilities as ScaffoldCapability[]);
  const data = {
    name,
    description: String(answers.description).trim() || defaultDescription(name),
    // `ticket-triage` exports ticketTriagePack; `my-pack` exports myPack, not myPackPack.
    exportName: (plop.getHelper('camelCase')(name) as string).replace(/(?:Pack)?$/, 'Pack'),
    snakeName: plop.getHelper('snakeCase')(name) as string,
    model: capabilities.has('model'),
    tools: capabilities.has('tools'),
    network: capabilities.has('network'),
    ...scaffoldRanges(),
  };
  const generator = plop.setGenerator('task-pack', { description: 'an Agentry task pack', prompts: [], actions: actions(plop, directory) });
  const result = await generator.runActions(data);
  if (result.failures.length > 0) {
    throw new AgentryError('AGENTRY_INTERNAL', `agentry-task-packs: writing ${name} failed: ${result.failures.map((failure) => `${failure.path} ${failure.error}`).join('; ')}`);
  }
  return { directory, name, files: result.changes.map((change) => resolve(parent, change.path.replace(/^[/\\]/, ''))) };
}

function defaults(options: GenerateTaskPackOptions): Record<string, unknown> {
  const name = options.name ?? 'my-pack';
  return {
    name,
    description: options.description ?? defaultDescription(name),
    capabilities: options.capabilities ?? [],
  };
}

function defaultDescription(name: string): string {
  return `The ${name.replaceAll('-', ' ')} task pack.`;
}

/** Inquirer questions for what the options leave out. */
function prompts(options: GenerateTaskPackOptions): PromptQuestion[] {
  const questions: PromptQuestion[] = [];
  if (options.name === undefined) {
    questions.push({
      type: 'input',
      name: 'name',
      message: 'Pack name (lowercase, dashes):',
      validate: (value: string) => namePattern.test(value) || 'Use lowercase letters, digits and dashes, starting with a letter.',
    });
  }
  if (options.description === undefined) {
    questions.push({ type: 'input', name: 'description', message: 'One-line description:' });
  }
  if (options.capabilities === undefined) {
    questions.push({
      type: 'checkbox',
      name: 'capabilities',
      message: 'Capabilities the pack uses:',
      choices: scaffoldCapabilities.map((value) => ({ name: describeCapability(value), value })),
    });
  }
  return questions;
}

function describeCapability(capability: ScaffoldCapability): string {
  return { model: 'model — calls ctx.model', tools: 'tools — calls a declared tool', network: 'network — declares an HTTP host for ctx.fetch' }[capability];
}

function actions(plop: NodePlopAPI, directory: string): ActionType[] {
  const templates = join(taskPacksRoot(), 'templates', 'task-pack');
  const parent = plop.getDestBasePath();
  const at = (path: string): string => relative(parent, join(directory, path));
  const add = (path: string, template: string): ActionType => ({ type: 'add', path: at(path), templateFile: join(templates, template), abortOnFail: true });
  const changesetRoot = findChangesetRoot(parent);
  const changesets: ActionType[] =
    changesetRoot === undefined
      ? [add('.changeset/config.json', 'changeset-config.json.hbs'), add('.changeset/{{name}}-initial.md', 'changeset.md.hbs')]
      : [{ type: 'add', path: relative(parent, join(changesetRoot, '.changeset', '{{name}}-initial.md')), templateFile: join(templates, 'changeset.md.hbs'), abortOnFail: true }];
  return [
    add('package.json', 'package.json.hbs'),
    add('tsconfig.json', 'tsconfig.json.hbs'),
    add('README.md', 'README.md.hbs'),
    add('src/{{name}}.ts', 'src/pack.ts.hbs'),
    add('src/fixtures.ts', 'src/fixtures.ts.hbs'),
    add('src/{{name}}.contract.test.ts', 'src/pack.contract.test.ts.hbs'),
    ...changesets,
  ];
}
