import type { AgentryError } from './agentry-error';
import type { TokenUsage } from './usage';

/** A message of a conversation with a model. */
export type ModelMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ModelToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** A tool the model may call; `parameters` is a JSON Schema object. */
export interface ModelTool {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** A tool call made by the model; `args` is the parsed JSON arguments. */
export interface ModelToolCall {
  toolCallId: string;
  name: string;
  args: unknown;
}

/** Why the model stopped. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

/** A request to a model. */
export interface GenerateRequest {
  messages: ModelMessage[];
  /** System prompt; providers that take it apart from messages receive it there. */
  system?: string;
  tools?: ModelTool[];
  /** @default 'auto' when tools are given */
  toolChoice?: 'auto' | 'none' | 'required' | { name: string };
  temperature?: number;
  maxTokens?: number;
  /** Ask for JSON, optionally matching a JSON Schema. */
  responseFormat?: { type: 'text' } | { type: 'json'; schema?: Record<string, unknown>; name?: string };
  stop?: string[];
  signal?: AbortSignal;
}

/** The answer of a model. */
export interface GenerateResult {
  text: string;
  toolCalls: ModelToolCall[];
  finishReason: FinishReason;
  usage: TokenUsage;
  /** The model that answered, as the provider named it. */
  modelId: string;
  /** The provider that answered; set by fallback chains, where it may differ from the one called. */
  provider?: string;
  /** The provider's request id, for support tickets. */
  providerRequestId?: string;
}

/**
 * Events of a streamed model call. A stream ends with `end`; `usage` comes once, just before it.
 *
 * Failures are thrown: a provider's iterator throws an AgentryError (from the first `next()` when
 * the call failed before any event, later when it broke mid-stream) and never yields `error`.
 */
export type ModelStreamEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; toolCallId: string; name: string; args: unknown }
  | { type: 'usage'; usage: TokenUsage }
  | {
      type: 'end';
      finishReason: FinishReason;
      modelId: string;
      /** The provider that answered; set by fallback chains, where it may differ from the one called. */
      provider?: string;
      providerRequestId?: string;
    }
  /**
   * @deprecated No provider yields it: failures are thrown from the iterator as AgentryError.
   * Kept so consumers that still match on it keep compiling.
   */
  | { type: 'error'; error: AgentryError };

/** Vectors for a batch of texts. */
export interface EmbedResult {
  embeddings: number[][];
  usage: Pick<TokenUsage, 'inputTokens'>;
  /** The embedding model that answered, when it is not the provider's `modelId` (priced by this id). */
  modelId?: string;
}

/**
 * A model provider: the only way task packs reach a model, so metering, budgets and governance
 * see every call. Implementations: the deterministic local model, OpenAI-compatible, Anthropic.
 */
export interface ModelProvider {
  readonly specificationVersion: 'v1';
  /** Provider name used in the price table, e.g. `openai`, `anthropic`, `local`. */
  readonly provider: string;
  /** Model id used in the price table, e.g. `gpt-4o-mini`. */
  readonly modelId: string;
  /** @throws AgentryError with a catalogue code and, for remote providers, `providerRequestId`. */
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** @throws AgentryError from the iterator; see {@link ModelStreamEvent}. */
  stream(request: GenerateRequest): AsyncIterable<ModelStreamEvent>;
  embed?(texts: string[], options?: { signal?: AbortSignal }): Promise<EmbedResult>;
}
