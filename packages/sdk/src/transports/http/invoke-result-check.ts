import type { InvokeResult } from '../../contract';

// The client checks every result it receives against the agentry.v1 schema. zod does that well
// but costs tens of microseconds when its code is cold, as it is once per call; this hand-written
// check of the usual, well-formed result returns what zod would (a copy holding the schema's
// keys, in the schema's order) and gives up on anything else, leaving that to zod and its exact
// error messages. A test holds it to zod on generated results, and to the schema's key lists.

/** Keys of `invokeResultSchema`, in its order. */
export const invokeResultKeys = ['id', 'agent', 'version', 'output', 'usage', 'cache', 'evals', 'variant', 'requestId'] as const;
/** Keys of `usageSchema`, in its order. */
export const usageKeys = [
  'inputTokens',
  'outputTokens',
  'cachedInputTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'costUsd',
  'latencyMs',
  'timeToFirstEventMs',
  'modelCalls',
] as const;
/** Keys of `cacheInfoSchema`, in its order. */
export const cacheInfoKeys = ['hit', 'savedCostUsd'] as const;
/** Keys of `evalScoreSchema`, in its order. */
export const evalScoreKeys = ['name', 'score', 'pass', 'reason', 'error', 'costUsd'] as const;

type Json = Record<string, unknown>;

/**
 * What `invokeResultSchema.parse(value)` returns when `value` is a well-formed result with no
 * unknown keys; undefined for anything else (zod then decides, and words the error).
 */
export function checkInvokeResult(value: unknown): InvokeResult | undefined {
  if (!isPlainObject(value) || !onlyKeys(value, invokeResultKeys, 9)) return undefined;
  const { id, agent, version, output, usage, cache, evals, variant, requestId } = value;
  if (typeof id !== 'string' || typeof agent !== 'string' || typeof version !== 'string' || typeof requestId !== 'string') return undefined;
  if (!('output' in value) || (variant !== null && typeof variant !== 'string')) return undefined;
  const checkedUsage = checkUsage(usage);
  const checkedCache = checkCache(cache);
  const checkedEvals = checkEvals(evals);
  if (checkedUsage === undefined || checkedCache === undefined || checkedEvals === undefined) return undefined;
  return { id, agent, version, output, usage: checkedUsage, cache: checkedCache, evals: checkedEvals, variant, requestId };
}

function checkUsage(value: unknown): InvokeResult['usage'] | undefined {
  if (!isPlainObject(value)) return undefined;
  const hasFirstEvent = 'timeToFirstEventMs' in value;
  if (!onlyKeys(value, usageKeys, hasFirstEvent ? 9 : 8)) return undefined;
  const { inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens, costUsd, latencyMs, timeToFirstEventMs, modelCalls } = value;
  if (
    !isCount(inputTokens) ||
    !isCount(outputTokens) ||
    !isCount(cachedInputTokens) ||
    !isCount(cacheWriteTokens) ||
    !isCount(reasoningTokens) ||
    !isCount(modelCalls) ||
    !isNonNegative(costUsd) ||
    !isNonNegative(latencyMs) ||
    (hasFirstEvent && !isNonNegative(timeToFirstEventMs))
  ) {
    return undefined;
  }
  return hasFirstEvent
    ? { inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens, costUsd, latencyMs, timeToFirstEventMs: timeToFirstEventMs as number, modelCalls }
    : { inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens, costUsd, latencyMs, modelCalls };
}

function checkCache(value: unknown): InvokeResult['cache'] | undefined {
  if (!isPlainObject(value)) return undefined;
  const hasSaved = 'savedCostUsd' in value;
  if (!onlyKeys(value, cacheInfoKeys, hasSaved ? 2 : 1) || typeof value.hit !== 'boolean') return undefined;
  if (!hasSaved) return { hit: value.hit };
  return isNonNegative(value.savedCostUsd) ? { hit: value.hit, savedCostUsd: value.savedCostUsd } : undefined;
}

function checkEvals(value: unknown): InvokeResult['evals'] | undefined {
  if (!Array.isArray(value)) return undefined;
  const evals: InvokeResult['evals'] = [];
  for (let index = 0; index < value.length; index++) {
    if (!(index in value)) return undefined;
    const score = value[index] as unknown;
    if (!isPlainObject(score)) return undefined;
    const hasReason = 'reason' in score;
    const hasError = 'error' in score;
    const hasCost = 'costUsd' in score;
    if (!onlyKeys(score, evalScoreKeys, 3 + (hasReason ? 1 : 0) + (hasError ? 1 : 0) + (hasCost ? 1 : 0))) return undefined;
    if (typeof score.name !== 'string' || !isNumber(score.score) || typeof score.pass !== 'boolean') return undefined;
    if ((hasReason && typeof score.reason !== 'string') || (hasError && typeof score.error !== 'string') || (hasCost && !isNonNegative(score.costUsd))) return undefined;
    const checked: InvokeResult['evals'][number] = { name: score.name, score: score.score, pass: score.pass };
    if (hasReason) checked.reason = score.reason as string;
    if (hasError) checked.error = score.error as string;
    if (hasCost) checked.costUsd = score.costUsd as number;
    evals.push(checked);
  }
  return evals;
}

/** A JSON object: not null, not an array, with the plain Object prototype (what JSON.parse makes). */
function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** True when `value`'s own enumerable keys are exactly `count` of `keys` (so none unknown). */
function onlyKeys(value: Json, keys: readonly string[], count: number): boolean {
  let seen = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || !keys.includes(key)) return false;
    seen++;
  }
  return seen === count;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isNonNegative(value: unknown): value is number {
  return isNumber(value) && value >= 0;
}

/** `z.number().int().nonnegative()`: a safe integer, at least 0. */
function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
