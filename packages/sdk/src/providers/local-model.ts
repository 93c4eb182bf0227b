import { AgentryError } from '../contract';
import type {
  EmbedResult,
  GenerateRequest,
  GenerateResult,
  ModelMessage,
  ModelProvider,
  ModelStreamEvent,
  TokenUsage,
} from '../contract';

/** Options of {@link createLocalModel}. */
export interface LocalModelOptions {
  /** Pause between streamed tokens, to make streaming visible in demos. @default 0 */
  tokenDelayMs?: number;
  /** Sentences kept by the extractive summary. @default 2 */
  sentences?: number;
  /** Dimensions of `embed` vectors. @default 64 */
  dimensions?: number;
}

/**
 * A deterministic, offline model for demos, tests and the embedded default. It answers with an
 * extractive summary of the last user message (the highest-scoring sentences, in order), counts
 * about four characters a token, and embeds text as hashed bag-of-words vectors. The same
 * request always gives the same answer, so contract tests and caches can rely on it.
 */
export function createLocalModel(options: LocalModelOptions = {}): ModelProvider {
  const tokenDelayMs = options.tokenDelayMs ?? 0;
  const keep = options.sentences ?? 2;
  const dimensions = options.dimensions ?? 64;

  function answer(request: GenerateRequest): { text: string; usage: TokenUsage; finishReason: 'stop' | 'length' } {
    const prompt = [request.system ?? '', ...request.messages.map(messageText)].filter(Boolean).join('\n');
    const lastUser = [...request.messages].reverse().find((message) => message.role === 'user');
    let text = extractiveSummary(lastUser?.content ?? '', keep);
    if (request.responseFormat?.type === 'json') text = JSON.stringify({ text });
    let finishReason: 'stop' | 'length' = 'stop';
    const words = text.split(' ');
    if (request.maxTokens !== undefined && words.length > request.maxTokens) {
      text = words.slice(0, request.maxTokens).join(' ');
      finishReason = 'length';
    }
    return {
      text,
      finishReason,
      usage: {
        inputTokens: countTokens(prompt),
        outputTokens: countTokens(text),
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      },
    };
  }

  return {
    specificationVersion: 'v1',
    provider: 'local',
    modelId: 'local-extractive-1',
    async generate(request): Promise<GenerateResult> {
      throwIfAborted(request.signal);
      const { text, usage, finishReason } = answer(request);
      return { text, toolCalls: [], finishReason, usage, modelId: 'local-extractive-1' };
    },
    async *stream(request): AsyncIterable<ModelStreamEvent> {
      throwIfAborted(request.signal);
      const { text, usage, finishReason } = answer(request);
      const pieces = text.match(/\S+\s*/g) ?? [];
      for (const piece of pieces) {
        if (tokenDelayMs > 0) await sleep(tokenDelayMs, request.signal);
        throwIfAborted(request.signal);
        yield { type: 'text-delta', text: piece };
      }
      yield { type: 'usage', usage };
      yield { type: 'end', finishReason, modelId: 'local-extractive-1' };
    },
    async embed(texts, embedOptions): Promise<EmbedResult> {
      throwIfAborted(embedOptions?.signal);
      return {
        embeddings: texts.map((text) => hashedVector(text, dimensions)),
        usage: { inputTokens: texts.reduce((sum, text) => sum + countTokens(text), 0) },
      };
    },
  };
}

/** Rough token count: one token per four characters, at least one per non-empty text. */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

function messageText(message: ModelMessage): string {
  return message.content;
}

const stopWords = new Set(
  'a an and are as at be by for from has have in is it its of on or that the this to was were will with'.split(' '),
);

function extractiveSummary(text: string, keep: number): string {
  const sentences = (text.replace(/\s+/g, ' ').trim().match(/[^.!?]+[.!?]*/g) ?? []).map((s) => s.trim()).filter(Boolean);
  if (sentences.length <= keep) return sentences.join(' ');
  const frequency = new Map<string, number>();
  for (const word of words(text)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const scored = sentences.map((sentence, index) => {
    const terms = words(sentence);
    const score = terms.reduce((sum, term) => sum + (frequency.get(term) ?? 0), 0) / Math.max(1, terms.length);
    return { sentence, index, score };
  });
  const chosen = [...scored].sort((a, b) => b.score - a.score || a.index - b.index).slice(0, keep);
  return chosen
    .sort((a, b) => a.index - b.index)
    .map((entry) => entry.sentence)
    .join(' ');
}

function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((word) => !stopWords.has(word));
}

function hashedVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of words(text)) {
    let hash = 2166136261;
    for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ word.charCodeAt(index), 16777619);
    vector[(hash >>> 0) % dimensions]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new AgentryError('AGENTRY_CANCELLED', 'local model call cancelled', { cause: signal.reason });
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AgentryError('AGENTRY_CANCELLED', 'local model call cancelled', { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
