// @agentry/task-packs generator: `npx @agentry/task-packs new <name>`. The bin script
// (bin/agentry-task-packs.cjs) checks the Node version, then imports this entry and calls `main`.
import { runGenerator } from './run-generator';

export { runGenerator, type GeneratorIo } from './run-generator';
export { generateTaskPack, type GenerateTaskPackOptions, type GeneratedTaskPack } from './generate-task-pack';
export { parseGeneratorArguments, scaffoldCapabilities, type GeneratorArguments, type ScaffoldCapability } from './parse-generator-arguments';

/** Runs the command with `argv` (without node and script) and sets the exit code. */
export async function main(argv: readonly string[]): Promise<void> {
  process.exitCode = await runGenerator(argv);
}
