import { z } from 'zod';
import { AgentryError } from '../../contract';
import { evaluatorSpecSchema } from './evaluator-spec';

/** One case of an evaluation dataset: a line of the JSON Lines file. */
export const evalCaseSchema = z.object({
  /** Stable id, used to match the case against a baseline. @default `line-<n>` */
  id: z.string().min(1).optional(),
  /** The agent's input. */
  input: z.unknown(),
  /** The expected output; without `evaluators`, the output must contain it (`expected` evaluator, subset mode). */
  expected: z.unknown().optional(),
  /** The evaluators of this case. */
  evaluators: z.array(evaluatorSpecSchema).optional(),
});
export type EvalCase = z.infer<typeof evalCaseSchema> & { id: string };

/**
 * Parses a JSON Lines dataset. Blank lines and lines starting with `//` are skipped.
 *
 * @throws AgentryError `AGENTRY_INVALID_REQUEST` naming the file, line and first bad field, or a duplicate id.
 */
export function parseEvalDataset(text: string, source = 'dataset'): EvalCase[] {
  const cases: EvalCase[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('//')) continue;
    const where = `${source}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw invalid(`${where}: not JSON (${(error as Error).message})`);
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && !Object.hasOwn(value, 'input')) {
      throw invalid(`${where}: \`input\` is required`);
    }
    const parsed = evalCaseSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalid(`${where}: \`${issue.path.join('.') || '(root)'}\` ${issue.message}`);
    }
    const id = parsed.data.id ?? `line-${index + 1}`;
    if (seen.has(id)) throw invalid(`${where}: case id ${id} is used twice`);
    seen.add(id);
    cases.push({ ...parsed.data, id });
  }
  if (cases.length === 0) throw invalid(`${source}: the dataset has no cases`);
  return cases;
}

function invalid(message: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_REQUEST', message, {
    hint: 'Each line is a JSON object {"id"?, "input", "expected"?, "evaluators"?: [{"type": "contains", "value": "..."}, ...]}.',
  });
}
