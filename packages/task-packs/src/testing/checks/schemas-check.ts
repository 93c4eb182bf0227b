import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { canonicalJson } from '@agentry/sdk';
import { preview, type ContractSession } from '../contract-session';
import type { ContractFailure } from '../contract-types';

/**
 * The JSON Schemas in the manifest say what the zod schemas say: each compiles, agrees with zod
 * on every fixture input, and validates every output; inputs and outputs survive JSON.
 */
export async function checkSchemas(session: ContractSession): Promise<ContractFailure[]> {
  const { pack } = session;
  const failures: ContractFailure[] = [];
  const fail = (problem: string, fix: string) => failures.push(session.failure('schemas', problem, fix));
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const compile = (schema: unknown, where: string): ValidateFunction | undefined => {
    try {
      return ajv.compile(schema as object);
    } catch (error) {
      fail(`the JSON Schema of ${where} does not compile (${(error as Error).message})`, `simplify the zod schema of ${where} to constructs JSON Schema can state`);
      return undefined;
    }
  };
  const manifest = pack.manifest;
  const validateInput = compile(manifest.inputSchema, 'input');
  const validateOutput = compile(manifest.outputSchema, 'output');
  for (const tool of manifest.capabilities?.tools ?? []) compile(tool.inputSchema, `tool "${tool.name}"`);
  for (const [name, event] of Object.entries(manifest.telemetry?.events ?? {})) compile(event.schema, `event "${name}"`);

  for (const { fixture, run } of await session.fixtureRuns()) {
    const zodInput = pack.input.safeParse(fixture.input);
    if (validateInput !== undefined) {
      const jsonAccepts = validateInput(fixture.input);
      if (jsonAccepts !== zodInput.success) {
        fail(
          `fixture "${fixture.name}": the zod input schema ${zodInput.success ? 'accepts' : 'rejects'} its input but the published JSON Schema ${jsonAccepts ? 'accepts' : 'rejects'} it (${ajv.errorsText(validateInput.errors)})`,
          'replace refinements and transforms that JSON Schema cannot state (.refine, .transform, custom) with plain constraints',
        );
      }
    }
    if (zodInput.success) {
      const again = pack.input.safeParse(jsonRoundTrip(fixture.input));
      if (!again.success || canonicalJson(again.data) !== canonicalJson(zodInput.data)) {
        fail(`fixture "${fixture.name}": its input does not survive JSON (${preview(fixture.input)})`, 'use only JSON values in inputs: no Date, bigint, Map, undefined or class instances');
      }
    }
    for (const [what, value] of [
      ['expected output', fixture.output],
      ['output', run.ok ? run.output : undefined],
    ] as const) {
      if (value === undefined) continue;
      const json = jsonRoundTrip(value);
      if (validateOutput !== undefined && !validateOutput(json)) {
        fail(
          `fixture "${fixture.name}": its ${what} does not validate against the published output JSON Schema (${ajv.errorsText(validateOutput.errors)})`,
          what === 'output' ? 'make the output schema describe what the handler returns' : 'correct the fixture\'s expected output',
        );
      }
      if (!pack.output.safeParse(json).success) {
        fail(`fixture "${fixture.name}": its ${what} no longer matches the output schema once sent as JSON (${preview(value)})`, 'return only JSON values: no Date, bigint, Map or undefined');
      }
    }
  }
  return failures;
}

function jsonRoundTrip(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}
