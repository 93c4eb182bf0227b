/**
 * Responses of the Anthropic Messages API as its documentation shows them, used by the Anthropic
 * fake. Each comment names the page the shape and values come from (found with the `search` tool
 * and checked against the types of the official `@anthropic-ai/sdk` client, which the tests also
 * run on the fake).
 */

/** The `usage` object of a message; cache counts are apart from `input_tokens`. */
export interface AnthropicUsageExample {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** What the fake answers, streamed or not. */
export interface AnthropicReply {
  id: string;
  model: string;
  text: string;
  /** Pieces of the streamed `text_delta`s; joined they must equal `text`. */
  textChunks: string[];
  toolUse?: { id: string; name: string; input: Record<string, unknown>; jsonChunks: string[] };
  stopReason: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';
  usage: AnthropicUsageExample;
  /** `output_tokens` reported by `message_start` before the cumulative count of `message_delta`. */
  startOutputTokens: number;
}

/**
 * The basic streaming example of https://docs.anthropic.com/en/docs/build-with-claude/streaming:
 * `message_start` with 25 input tokens and 1 output token, a `ping`, text deltas "Hello" and "!",
 * `message_delta` with `end_turn` and 15 output tokens, `message_stop`.
 */
export const helloReply: AnthropicReply = {
  id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY',
  model: 'claude-opus-4-20250514',
  text: 'Hello!',
  textChunks: ['Hello', '!'],
  stopReason: 'end_turn',
  usage: { input_tokens: 25, output_tokens: 15 },
  startOutputTokens: 1,
};

/**
 * A prompt cache write then a read, with the usage fields of
 * https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching (`cache_creation_input_tokens`,
 * `cache_read_input_tokens`, both apart from `input_tokens`), on claude-sonnet-4-5.
 * Figures: a 188086-token cached prefix, 21 uncached input tokens, 393 output tokens.
 */
export const cacheWriteReply: AnthropicReply = {
  id: 'msg_cachewrite0001',
  model: 'claude-sonnet-4-5-20250929',
  text: 'The book opens with a famous line.',
  textChunks: ['The book', ' opens with', ' a famous line.'],
  stopReason: 'end_turn',
  usage: { input_tokens: 21, cache_creation_input_tokens: 188086, cache_read_input_tokens: 0, output_tokens: 393 },
  startOutputTokens: 1,
};

export const cacheReadReply: AnthropicReply = {
  ...cacheWriteReply,
  id: 'msg_cacheread0001',
  usage: { input_tokens: 21, cache_creation_input_tokens: 0, cache_read_input_tokens: 188086, output_tokens: 393 },
};

/**
 * The tool-use streaming example of https://docs.anthropic.com/en/docs/build-with-claude/streaming:
 * a text block, then a `tool_use` block `toolu_01T1x1fJ34qAmk2tNTrN7Up6` of `get_weather` whose
 * input arrives as `input_json_delta` pieces, stop reason `tool_use`, 472 input and 89 output tokens.
 */
export const toolUseReply: AnthropicReply = {
  id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
  model: 'claude-sonnet-4-5-20250929',
  text: "Okay, let's check the weather for San Francisco, CA:",
  textChunks: ['Okay', ",", " let's check the weather for San Francisco, CA:"],
  toolUse: {
    id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
    name: 'get_weather',
    input: { location: 'San Francisco, CA', unit: 'fahrenheit' },
    jsonChunks: ['', '{"location":', ' "San', ' Francisc', 'o,', ' CA"', ', ', '"unit": "fah', 'renheit"}'],
  },
  stopReason: 'tool_use',
  usage: { input_tokens: 472, output_tokens: 89 },
  startOutputTokens: 2,
};

/**
 * The error shape of https://docs.anthropic.com/en/api/errors: `{type: 'error', error: {type,
 * message}, request_id}`, with the HTTP status of each type (429 rate_limit_error, 500 api_error,
 * 529 overloaded_error...).
 */
export function anthropicErrorBody(status: number, errorType: string | undefined, message: string | undefined, requestId: string) {
  const type =
    errorType ??
    ({ 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 529: 'overloaded_error' } as Record<number, string>)[status] ??
    'api_error';
  return { type: 'error', error: { type, message: message ?? (type === 'overloaded_error' ? 'Overloaded' : `Error ${status}`) }, request_id: requestId };
}
