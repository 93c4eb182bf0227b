export { evalMiddleware, type EvalMiddleware, type EvalOptions } from './eval-middleware';
export {
  defineEvaluator,
  normalizeEvaluator,
  type Evaluator,
  type EvaluatorContext,
  type EvaluatorFunction,
  type EvaluatorLike,
  type EvaluatorVerdict,
} from './evaluator';
export { runEvaluators, createEvalStats, type EvalStats, type RunEvaluatorsOptions } from './run-evaluators';
export { outputSchemaEvaluator } from './evaluators/output-schema-evaluator';
export { containsEvaluator, regexEvaluator, type ContainsOptions } from './evaluators/contains-evaluator';
export { jsonFieldEvaluator, type JsonFieldOptions } from './evaluators/json-field-evaluator';
export { expectedOutputEvaluator, type ExpectedOutputOptions } from './evaluators/expected-output-evaluator';
export { latencySloEvaluator, costSloEvaluator } from './evaluators/slo-evaluators';
export { piiLeakEvaluator, detectBasicPii, type PiiDetector, type PiiFinding, type PiiLeakOptions } from './evaluators/pii-leak-evaluator';
export { llmJudgeEvaluator, parseJudgeAnswer, type LlmJudgeOptions } from './evaluators/llm-judge-evaluator';
export { evaluatorSpecSchema, evaluatorFromSpec, type EvaluatorSpec } from './evaluator-spec';
export { evalCaseSchema, parseEvalDataset, type EvalCase } from './eval-dataset';
export { runEvalDataset, type EvalCaseReport, type EvalReport, type EvalRun, type RunEvalDatasetOptions } from './run-eval-dataset';
export {
  evalBaselineSchema,
  baselineFromReport,
  parseEvalBaseline,
  compareWithBaseline,
  type EvalBaseline,
  type EvalCaseDiff,
  type EvalComparison,
} from './eval-baseline';
export { getJsonPath, parseJsonPath, type JsonPath } from './json-path';
