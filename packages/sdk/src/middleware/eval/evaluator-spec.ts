import { z } from 'zod';
import { AgentryError, type ModelProvider } from '../../contract';
import type { Evaluator } from './evaluator';
import { containsEvaluator, regexEvaluator } from './evaluators/contains-evaluator';
import { expectedOutputEvaluator } from './evaluators/expected-output-evaluator';
import { jsonFieldEvaluator } from './evaluators/json-field-evaluator';
import { llmJudgeEvaluator } from './evaluators/llm-judge-evaluator';
import { piiLeakEvaluator } from './evaluators/pii-leak-evaluator';
import { costSloEvaluator, latencySloEvaluator } from './evaluators/slo-evaluators';

const name = z.string().min(1).optional();
const path = z.string().min(1);

/**
 * A built-in evaluator written as JSON, as dataset cases name them:
 * `{"type": "contains", "value": "refund"}`, `{"type": "json-field", "path": "status", "equals": "ok"}`, ...
 */
export const evaluatorSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('contains'), value: z.union([z.string(), z.array(z.string())]), path: path.optional(), ignoreCase: z.boolean().optional(), mode: z.enum({ all: 'all', any: 'any' }).optional(), name }),
  z.object({ type: z.literal('regex'), pattern: z.string(), flags: z.string().regex(/^[imsu]*$/).optional(), path: path.optional(), name }),
  z.object({ type: z.literal('json-field'), path, equals: z.unknown().optional(), equalsExpected: z.boolean().optional(), matches: z.string().optional(), exists: z.boolean().optional(), name }),
  z.object({ type: z.literal('expected'), mode: z.enum({ equal: 'equal', subset: 'subset' }).optional(), name }),
  z.object({ type: z.literal('latency-slo'), maxMs: z.number().positive(), name }),
  z.object({ type: z.literal('cost-slo'), maxUsd: z.number().positive(), name }),
  z.object({ type: z.literal('pii-leak'), path: path.optional(), name }),
  z.object({ type: z.literal('llm-judge'), criteria: z.string().min(1), threshold: z.number().min(0).max(1).optional(), name }),
]);
export type EvaluatorSpec = z.infer<typeof evaluatorSpecSchema>;

/**
 * Builds the evaluator a JSON spec describes. `llm-judge` needs `model`.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` for an `llm-judge` spec without a model.
 */
export function evaluatorFromSpec(spec: EvaluatorSpec, context: { model?: ModelProvider } = {}): Evaluator {
  const named = spec.name === undefined ? {} : { name: spec.name };
  switch (spec.type) {
    case 'contains':
      return containsEvaluator(spec.value, { ...named, ...(spec.path === undefined ? {} : { path: spec.path }), ...(spec.ignoreCase === undefined ? {} : { ignoreCase: spec.ignoreCase }), ...(spec.mode === undefined ? {} : { mode: spec.mode }) });
    case 'regex':
      return regexEvaluator(new RegExp(spec.pattern, spec.flags), { ...named, ...(spec.path === undefined ? {} : { path: spec.path }) });
    case 'json-field':
      return jsonFieldEvaluator({
        path: spec.path,
        ...named,
        ...(Object.hasOwn(spec, 'equals') ? { equals: spec.equals } : {}),
        ...(spec.equalsExpected === undefined ? {} : { equalsExpected: spec.equalsExpected }),
        ...(spec.matches === undefined ? {} : { matches: new RegExp(spec.matches) }),
        ...(spec.exists === undefined ? {} : { exists: spec.exists }),
      });
    case 'expected':
      return expectedOutputEvaluator({ ...named, ...(spec.mode === undefined ? {} : { mode: spec.mode }) });
    case 'latency-slo':
      return latencySloEvaluator({ maxMs: spec.maxMs, ...named });
    case 'cost-slo':
      return costSloEvaluator({ maxUsd: spec.maxUsd, ...named });
    case 'pii-leak':
      return piiLeakEvaluator({ ...named, ...(spec.path === undefined ? {} : { path: spec.path }) });
    case 'llm-judge':
      if (context.model === undefined) throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'an llm-judge evaluator needs a model to judge with');
      return llmJudgeEvaluator({ model: context.model, criteria: spec.criteria, ...named, ...(spec.threshold === undefined ? {} : { threshold: spec.threshold }) });
  }
}
