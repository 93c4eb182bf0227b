import { AgentryError, type ModelProvider, type TokenUsage } from '../../../contract';
import { createCostFunction } from '../../../providers/cost-function';
import { defaultPriceTable } from '../../../providers/price-table';
import { defineEvaluator, type Evaluator, type EvaluatorContext } from '../evaluator';
import { textOf } from '../json-path';

/** Options of {@link llmJudgeEvaluator}. */
export interface LlmJudgeOptions {
  /** The model that judges (any ModelProvider: OpenAI-compatible, Anthropic, local). */
  model: ModelProvider;
  /** What a good answer is, in plain words: the rubric the judge applies. */
  criteria: string;
  /** Minimum score (0 to 1) that passes. @default 0.7 */
  threshold?: number;
  /** Builds the judge's prompt. @default the criteria, the input and the output as JSON, asking for `{"score", "reason"}` */
  prompt?: (context: EvaluatorContext, criteria: string) => string;
  /** Turns the judge's answer into a score in [0, 1] and a reason. @default {@link parseJudgeAnswer} */
  parse?: (text: string) => { score: number; reason?: string };
  /** Upper bound of the judge's answer in tokens. @default 256 */
  maxTokens?: number;
  /** @default 'llm-judge' */
  name?: string;
  /** Prices the judge's tokens, as `createRuntime({ costOf })` does the agent's. @default `createCostFunction(defaultPriceTable)` */
  costOf?: (provider: string, modelId: string, usage: TokenUsage) => number;
}

const system =
  'You are a strict evaluator. Judge the OUTPUT of an AI agent against the CRITERIA. ' +
  'Answer with JSON only: {"score": <number from 0 to 1>, "reason": "<one sentence>"}.';

/**
 * Asks a model to grade the output against a rubric and parses the score from its answer.
 * The judge's cost is the score's `costUsd` (and the usage record's `evalCostUsd`), apart from the
 * judged call's usage. Sample it (e.g. `sampleRate: 0.05`) to bound that cost.
 *
 * @example
 * llmJudgeEvaluator({ model: openai, criteria: 'The summary is faithful to the text and under 50 words.' })
 */
export function llmJudgeEvaluator(options: LlmJudgeOptions): Evaluator {
  if (options?.model === undefined || typeof options.criteria !== 'string' || options.criteria === '') {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'llmJudgeEvaluator: `model` and a non-empty `criteria` are required');
  }
  const threshold = options.threshold ?? 0.7;
  const parse = options.parse ?? parseJudgeAnswer;
  const prompt = options.prompt ?? defaultPrompt;
  const costOf = options.costOf ?? createCostFunction(defaultPriceTable);
  return defineEvaluator(options.name ?? 'llm-judge', async (context) => {
    const answer = await options.model.generate({
      system,
      messages: [{ role: 'user', content: prompt(context, options.criteria) }],
      responseFormat: { type: 'json' },
      temperature: 0,
      maxTokens: options.maxTokens ?? 256,
      signal: context.signal,
    });
    const costUsd = costOf(answer.provider ?? options.model.provider, answer.modelId || options.model.modelId, answer.usage);
    let parsed: { score: number; reason?: string };
    try {
      parsed = parse(answer.text);
    } catch (error) {
      // The judge was paid for even when its answer cannot be read: the error score carries the cost.
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), { costUsd });
    }
    const { score, reason } = parsed;
    return { score, pass: score >= threshold, ...(reason === undefined ? {} : { reason }), costUsd };
  });
}

function defaultPrompt(context: EvaluatorContext, criteria: string): string {
  return `CRITERIA:\n${criteria}\n\nINPUT:\n${textOf(context.invocation.input)}\n\nOUTPUT:\n${textOf(context.output)}`;
}

/**
 * Reads a judge's score: JSON `{"score": ...}` (also inside prose or a code fence), else
 * `score: 8/10`-style text, else the first number. Scores on a 10- or 100-point scale are
 * scaled to [0, 1].
 *
 * @throws Error when the answer holds no score.
 */
export function parseJudgeAnswer(text: string): { score: number; reason?: string } {
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  if (json !== undefined) {
    try {
      const value = JSON.parse(json) as { score?: unknown; reason?: unknown };
      const score = typeof value.score === 'string' ? Number(value.score) : value.score;
      if (typeof score === 'number' && Number.isFinite(score)) {
        return { score: scaled(score), ...(typeof value.reason === 'string' ? { reason: value.reason } : {}) };
      }
    } catch {
      // Not JSON after all: fall through to the text forms.
    }
  }
  const labelled = /score\W{0,3}(-?\d+(?:\.\d+)?)\s*(?:\/\s*(\d+))?/i.exec(text) ?? /(-?\d+(?:\.\d+)?)\s*(?:\/\s*(\d+))?/.exec(text);
  if (labelled === null) throw new Error(`the judge's answer holds no score: ${JSON.stringify(text.slice(0, 120))}`);
  const value = Number(labelled[1]);
  return { score: labelled[2] === undefined ? scaled(value) : clamp(value / Number(labelled[2])) };
}

function scaled(score: number): number {
  if (score > 1 && score <= 10) return clamp(score / 10);
  if (score > 10 && score <= 100) return clamp(score / 100);
  return clamp(score);
}

function clamp(score: number): number {
  return Math.min(1, Math.max(0, score));
}
