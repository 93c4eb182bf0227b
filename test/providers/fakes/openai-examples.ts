/**
 * Responses of the OpenAI API as its documentation shows them, used by the OpenAI fake. Each
 * comment names the page the shape and values come from (found with the `search` tool and checked
 * against the types of the official `openai` npm client, which the tests also run on the fake).
 */

/** The `usage` object of a chat completion. */
export interface OpenAIUsageExample {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number; audio_tokens?: number };
  completion_tokens_details?: {
    reasoning_tokens: number;
    audio_tokens?: number;
    accepted_prediction_tokens?: number;
    rejected_prediction_tokens?: number;
  };
}

/** What the fake answers, streamed or not. */
export interface OpenAIReply {
  id: string;
  model: string;
  text: string;
  /** Pieces the streamed text is sent in; joined they must equal `text`. */
  textChunks: string[];
  toolCalls: Array<{ id: string; name: string; arguments: string; argumentChunks: string[] }>;
  finishReason: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  usage: OpenAIUsageExample;
  systemFingerprint: string;
}

/**
 * The "Default" example of https://platform.openai.com/docs/api-reference/chat/create:
 * `chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT`, model `gpt-4.1-2025-04-14`, "Hello! How can I assist
 * you today?", 19 prompt and 10 completion tokens.
 */
export const helloReply: OpenAIReply = {
  id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
  model: 'gpt-4.1-2025-04-14',
  text: 'Hello! How can I assist you today?',
  textChunks: ['Hello', '!', ' How', ' can', ' I', ' assist', ' you', ' today', '?'],
  toolCalls: [],
  finishReason: 'stop',
  usage: {
    prompt_tokens: 19,
    completion_tokens: 10,
    total_tokens: 29,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
  systemFingerprint: 'fp_44709d6fcb',
};

/**
 * A cache hit: the usage block of https://platform.openai.com/docs/guides/prompt-caching
 * (2006 prompt tokens of which 1920 cached, 300 completion tokens), on gpt-4o-mini.
 */
export const cachedReply: OpenAIReply = {
  ...helloReply,
  id: 'chatcmpl-cached0001',
  model: 'gpt-4o-mini-2024-07-18',
  usage: {
    prompt_tokens: 2006,
    completion_tokens: 300,
    total_tokens: 2306,
    prompt_tokens_details: { cached_tokens: 1920 },
    completion_tokens_details: { reasoning_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
};

/**
 * A reasoning model's usage, per https://platform.openai.com/docs/guides/reasoning: reasoning
 * tokens are part of the completion tokens (figures: 75 prompt, 1186 completion of which 1024 reasoning).
 */
export const reasoningReply: OpenAIReply = {
  ...helloReply,
  id: 'chatcmpl-reasoning01',
  model: 'o3-mini-2025-01-31',
  usage: {
    prompt_tokens: 75,
    completion_tokens: 1186,
    total_tokens: 1261,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 1024, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
};

/**
 * The "Functions" example of https://platform.openai.com/docs/api-reference/chat/create: one call
 * `call_abc123` of `get_current_weather` with `{"location": "Boston, MA"}`, finish `tool_calls`,
 * 82 prompt and 17 completion tokens. Streamed, the arguments arrive in pieces after a first delta
 * carrying id and name with empty arguments (https://platform.openai.com/docs/api-reference/chat-streaming).
 */
export const toolCallReply: OpenAIReply = {
  id: 'chatcmpl-abc123',
  model: 'gpt-4o-mini',
  text: '',
  textChunks: [],
  toolCalls: [
    {
      id: 'call_abc123',
      name: 'get_current_weather',
      arguments: '{\n"location": "Boston, MA"\n}',
      argumentChunks: ['{\n"', 'location', '": "', 'Boston', ', MA', '"\n}'],
    },
  ],
  finishReason: 'tool_calls',
  usage: {
    prompt_tokens: 82,
    completion_tokens: 17,
    total_tokens: 99,
    completion_tokens_details: { reasoning_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
  systemFingerprint: 'fp_44709d6fcb',
};

/**
 * The example of https://platform.openai.com/docs/api-reference/embeddings/create (one vector,
 * 8 prompt tokens), with one vector per input, shortened to three dimensions. Sent in reverse
 * order: the API does not promise order, `index` says which input a vector belongs to.
 */
export function embeddingsExample(inputs: string[], model: string) {
  return {
    object: 'list',
    data: inputs.map((_, index) => ({ object: 'embedding', embedding: [0.0023064255 + index, -0.009327292, -0.0028842222], index })).reverse(),
    model,
    usage: { prompt_tokens: 8 * inputs.length, total_tokens: 8 * inputs.length },
  };
}

/**
 * The error body of https://platform.openai.com/docs/guides/error-codes:
 * `{"error": {"message", "type", "param", "code"}}`; a 429 carries `rate_limit_exceeded`.
 */
export function openAIErrorBody(status: number, errorType: string | undefined, message: string | undefined) {
  const type = errorType ?? (status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error');
  const code = status === 429 && errorType === undefined ? 'rate_limit_exceeded' : status === 401 ? 'invalid_api_key' : errorType ?? null;
  return {
    error: {
      message: message ?? (status === 429 ? 'Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.' : `The server had an error (${status}).`),
      type,
      param: null,
      code,
    },
  };
}
