import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { InvokeResult, ModelProvider } from '../../../contract';
import type { Invocation } from '../../../core/invocation';
import type { Evaluator, EvaluatorContext } from '../evaluator';
import { containsEvaluator, regexEvaluator } from './contains-evaluator';
import { expectedOutputEvaluator } from './expected-output-evaluator';
import { jsonFieldEvaluator } from './json-field-evaluator';
import { llmJudgeEvaluator, parseJudgeAnswer } from './llm-judge-evaluator';
import { outputSchemaEvaluator } from './output-schema-evaluator';
import { detectBasicPii, piiLeakEvaluator } from './pii-leak-evaluator';
import { costSloEvaluator, latencySloEvaluator } from './slo-evaluators';

function contextFor(output: unknown, extra: { latencyMs?: number; costUsd?: number; expected?: unknown } = {}): EvaluatorContext {
  const usage = { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: extra.costUsd ?? 0, latencyMs: extra.latencyMs ?? 10, modelCalls: 1 };
  const result: InvokeResult = { id: 'inv_1', agent: 'a', version: '1.0.0', output, usage, cache: { hit: false }, evals: [], variant: null, requestId: 'req_1' };
  const invocation = { id: 'inv_1', requestId: 'req_1', agent: 'a', version: '1.0.0', input: { question: 'q?' }, tenant: 't', subject: undefined, metadata: {}, mode: 'invoke', cache: undefined, signal: new AbortController().signal, startedAt: 0, state: new Map() } satisfies Invocation;
  return { invocation, result, output, usage, expected: extra.expected, signal: new AbortController().signal };
}

const judge = (evaluator: Evaluator, output: unknown, extra?: Parameters<typeof contextFor>[1]) => evaluator.evaluate(contextFor(output, extra));

describe('built-in evaluators', () => {
  it('outputSchemaEvaluator passes valid output and names the failing path otherwise', async () => {
    const evaluator = outputSchemaEvaluator(z.object({ summary: z.string().max(5) }));
    expect(await judge(evaluator, { summary: 'ok' })).toEqual({ score: 1, pass: true });
    expect(await judge(evaluator, { summary: 'far too long' })).toMatchObject({ pass: false, reason: expect.stringContaining('`summary`') });
  });

  it('containsEvaluator scores the fraction of strings and patterns found, in a field or the whole output', async () => {
    const evaluator = containsEvaluator(['Refund', /order #\d+/], { path: 'answer', ignoreCase: true });
    expect(await judge(evaluator, { answer: 'your refund for order #42' })).toEqual({ score: 1, pass: true });
    expect(await judge(evaluator, { answer: 'your refund is coming' })).toEqual({ score: 0.5, pass: false, reason: 'missing /order #\\d+/' });
    expect(await judge(containsEvaluator(['x', 'zz'], { mode: 'any' }), 'just x here')).toMatchObject({ pass: true, score: 0.5 });
    expect(await judge(regexEvaluator('^\\{'), { a: 1 })).toMatchObject({ pass: true });
    expect(regexEvaluator(/a/g).name).toBe('regex');
  });

  it('jsonFieldEvaluator checks presence, deep equality, equality with the expected field, and patterns', async () => {
    expect(await judge(jsonFieldEvaluator({ path: 'items[0].id' }), { items: [{ id: 7 }] })).toEqual({ score: 1, pass: true });
    expect(await judge(jsonFieldEvaluator({ path: 'items[1].id' }), { items: [{ id: 7 }] })).toMatchObject({ pass: false, reason: '`items[1].id` is missing' });
    expect(await judge(jsonFieldEvaluator({ path: 'meta', equals: { b: 2, a: 1 } }), { meta: { a: 1, b: 2 } })).toMatchObject({ pass: true });
    expect(await judge(jsonFieldEvaluator({ path: 'status', equalsExpected: true }), { status: 'open' }, { expected: { status: 'closed' } })).toMatchObject({
      pass: false,
      reason: '`status` is "open", expected "closed"',
    });
    expect(await judge(jsonFieldEvaluator({ path: 'code', matches: /^[A-Z]{3}$/ }), { code: 'ABC' })).toMatchObject({ pass: true });
    expect(await judge(jsonFieldEvaluator({ path: 'secret', exists: false }), { secret: 'x' })).toMatchObject({ pass: false });
  });

  it('expectedOutputEvaluator compares as a subset by default, exactly on request, and errors without an expected value', async () => {
    expect(await judge(expectedOutputEvaluator(), { a: 1, b: { c: 2, d: 3 } }, { expected: { b: { c: 2 } } })).toEqual({ score: 1, pass: true });
    expect(await judge(expectedOutputEvaluator(), { a: 1, b: { c: 9 } }, { expected: { b: { c: 2 } } })).toEqual({ score: 0, pass: false, reason: 'differs at `b.c`' });
    expect(await judge(expectedOutputEvaluator({ mode: 'equal' }), { a: 1, b: 2 }, { expected: { a: 1 } })).toMatchObject({ pass: false });
    expect(() => judge(expectedOutputEvaluator(), { a: 1 })).toThrow('no `expected` output');
  });

  it('latency and cost SLO evaluators pass within the objective and score the ratio past it', async () => {
    expect(await judge(latencySloEvaluator({ maxMs: 100 }), {}, { latencyMs: 50 })).toEqual({ score: 1, pass: true });
    expect(await judge(latencySloEvaluator({ maxMs: 100 }), {}, { latencyMs: 400 })).toEqual({ score: 0.25, pass: false, reason: 'took 400 ms, objective 100 ms' });
    expect(await judge(costSloEvaluator({ maxUsd: 0.01 }), {}, { costUsd: 0.02 })).toMatchObject({ score: 0.5, pass: false });
    expect(() => latencySloEvaluator({ maxMs: 0 })).toThrow('`maxMs` must be a positive number');
  });

  it('piiLeakEvaluator flags personal data by kind without repeating it, and accepts a pluggable detector', async () => {
    const leaky = { text: 'Mail jane.doe@example.com, card 4111 1111 1111 1111, SSN 123-45-6789, key sk-abcdefghijklmnopqrstuvwx' };
    const verdict = await judge(piiLeakEvaluator(), leaky);
    expect(verdict).toEqual({ score: 0, pass: false, reason: 'found 1 email, 1 payment-card, 1 us-ssn, 1 api-key' });
    expect(verdict.reason).not.toContain('jane');
    expect(await judge(piiLeakEvaluator(), { text: 'order 4111 1111 1111 1112 shipped' })).toEqual({ score: 1, pass: true });
    expect(detectBasicPii('call +44 20 7946 0958 today').map((finding) => finding.kind)).toEqual(['phone']);
    const custom = piiLeakEvaluator({ detect: async (text) => (text.includes('Alice') ? [{ kind: 'name' }] : []) });
    expect(await judge(custom, 'Alice said hi')).toMatchObject({ pass: false, reason: 'found 1 name' });
  });

  it('llmJudgeEvaluator asks the model with the criteria, input and output, and passes at the threshold', async () => {
    const prompts: string[] = [];
    const model: ModelProvider = {
      specificationVersion: 'v1',
      provider: 'test',
      modelId: 'judge',
      async generate(request) {
        prompts.push(request.messages[0]!.content);
        return { text: '```json\n{"score": 8, "reason": "faithful"}\n```', toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 }, modelId: 'judge' };
      },
      // eslint-disable-next-line require-yield
      async *stream() {
        throw new Error('unused');
      },
    };
    const verdict = await judge(llmJudgeEvaluator({ model, criteria: 'Be faithful.', threshold: 0.75 }), { summary: 'S' });
    // A model the price table does not know judges for $0.
    expect(verdict).toEqual({ score: 0.8, pass: true, reason: 'faithful', costUsd: 0 });
    expect(prompts[0]).toContain('Be faithful.');
    expect(prompts[0]).toContain('{"question":"q?"}');
    expect(prompts[0]).toContain('{"summary":"S"}');
  });

  it('llmJudgeEvaluator prices the judge\'s tokens with the price table, or with the costOf given', async () => {
    const usage = { inputTokens: 2_000, outputTokens: 100, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
    const model: ModelProvider = {
      specificationVersion: 'v1',
      provider: 'openai',
      modelId: 'gpt-4o-mini',
      generate: async () => ({ text: '{"score": 1}', toolCalls: [], finishReason: 'stop', usage, modelId: 'gpt-4o-mini-2024-07-18' }),
      // eslint-disable-next-line require-yield
      async *stream() {
        throw new Error('unused');
      },
    };
    // 2,000 input tokens at $0.15 and 100 output tokens at $0.60 per million.
    expect((await judge(llmJudgeEvaluator({ model, criteria: 'Be faithful.' }), {})).costUsd).toBeCloseTo(0.00036, 10);
    const flat = llmJudgeEvaluator({ model, criteria: 'Be faithful.', costOf: () => 0.01 });
    expect((await judge(flat, {})).costUsd).toBe(0.01);
  });

  it('parseJudgeAnswer reads JSON, "score: 7/10" text and bare numbers, scaling 10- and 100-point scales', () => {
    expect(parseJudgeAnswer('{"score": 0.9}')).toEqual({ score: 0.9 });
    expect(parseJudgeAnswer('I would give it Score: 7/10 because...')).toEqual({ score: 0.7 });
    expect(parseJudgeAnswer('85')).toEqual({ score: 0.85 });
    expect(() => parseJudgeAnswer('no idea')).toThrow('holds no score');
  });
});
