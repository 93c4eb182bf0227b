import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AgentryError } from '../contract';
import { isTaskPack, type TaskPack } from '../core/task-pack';

/**
 * Finds the packs to host: the modules named by `--packs` (comma-separated paths or package
 * names), else `agentry.config.{mjs,js}` in the working directory (its `packs` export), else the
 * built-in packs of `@agentry/task-packs` when installed. Each module may export packs under any
 * name, an array of packs, or a `packs` array.
 */
export async function loadPacks(specifiers: string[] | undefined, cwd: string): Promise<TaskPack[]> {
  if (specifiers !== undefined && specifiers.length > 0) {
    const packs = (await Promise.all(specifiers.map((specifier) => importPacks(specifier, cwd)))).flat();
    return dedupe(packs);
  }
  for (const name of ['agentry.config.mjs', 'agentry.config.js']) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return dedupe(await importPacks(path, cwd));
  }
  try {
    return dedupe(await importPacks('@agentry/task-packs', cwd));
  } catch (error) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'no task packs to host: no --packs, no agentry.config.mjs, and @agentry/task-packs is not installed', {
      hint: 'Run `npm install @agentry/task-packs` for the built-in packs, or pass --packs ./my-pack.js.',
      cause: error,
    });
  }
}

async function importPacks(specifier: string, cwd: string): Promise<TaskPack[]> {
  const isPath = specifier.startsWith('.') || specifier.startsWith('/') || /\.[cm]?[jt]s$/.test(specifier);
  const target = isPath ? pathToFileURL(resolve(cwd, specifier)).href : specifier;
  let module: Record<string, unknown>;
  try {
    module = (await import(target)) as Record<string, unknown>;
  } catch (error) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `cannot load packs from ${specifier}: ${(error as Error).message}`, {
      hint: 'Pass a built JavaScript module (or package name) that exports task packs made with defineTaskPack.',
      cause: error,
    });
  }
  const found: TaskPack[] = [];
  const visit = (value: unknown): void => {
    if (isTaskPack(value)) found.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
  };
  for (const value of Object.values(module)) visit(value);
  if (typeof module.default === 'object' && module.default !== null && !Array.isArray(module.default)) {
    for (const value of Object.values(module.default as Record<string, unknown>)) visit(value);
  }
  if (found.length === 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${specifier} exports no task packs`, {
      hint: 'Export the values returned by defineTaskPack (or an array of them).',
    });
  }
  return found;
}

function dedupe(packs: TaskPack[]): TaskPack[] {
  const seen = new Map<string, TaskPack>();
  for (const pack of packs) seen.set(`${pack.id}@${pack.version}`, pack);
  return [...seen.values()];
}
