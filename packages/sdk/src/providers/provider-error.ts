import type { z } from 'zod';
import { AgentryError, type ErrorCode } from '../contract';
import { parseRetryAfter } from '../core/backoff';

type HeaderValue = string | string[] | undefined;
/** Response headers as undici gives them. */
export type ProviderHeaders = Record<string, HeaderValue>;

/** What a provider said about one failure, from the HTTP status, headers and error body. */
export interface ProviderFailure {
  /** `openai:gpt-4o-mini`, `anthropic:claude-sonnet-4-5`: names the call in messages. */
  label: string;
  /** HTTP status, or the status the provider's error type stands for (errors inside a 200 stream). */
  status: number;
  /** The provider's error type or code, e.g. `overloaded_error`, `rate_limit_exceeded`, `insufficient_quota`. */
  type?: string;
  /** The provider's own message. */
  message?: string;
  providerRequestId?: string;
  retryAfterMs?: number;
  /** Where it happened, for the message: `HTTP 529` or `error event in a 200 stream`. */
  where: string;
}

/**
 * Statuses that stand for each provider error type, so an error delivered inside a 200 stream is
 * classified exactly like the same error sent as a status. OpenAI types and codes and Anthropic
 * types (https://docs.anthropic.com/en/api/errors) share this table.
 */
const statusOfType: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  invalid_api_key: 401,
  permission_error: 403,
  not_found_error: 404,
  model_not_found: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  requests: 429,
  tokens: 429,
  insufficient_quota: 429,
  api_error: 500,
  server_error: 500,
  internal_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** True for an error type or code this module knows the status of. */
export function isKnownErrorType(type: string | undefined): type is string {
  return type !== undefined && Object.hasOwn(statusOfType, type);
}

/** The status a provider error type stands for; 500 for an unknown type (a server-side failure). */
export function statusForErrorType(type: string | undefined): number {
  return isKnownErrorType(type) ? statusOfType[type]! : 500;
}

/**
 * Classifies a provider failure into an AgentryError: 400/404/413/422 → AGENTRY_INVALID_REQUEST,
 * 401/403 → AGENTRY_UNAUTHORIZED, 408 → AGENTRY_TIMEOUT, 429 → AGENTRY_RATE_LIMITED (not retryable
 * when the quota is spent), 409, 5xx and 529 (overloaded) → AGENTRY_UPSTREAM_ERROR, retryable.
 */
export function providerError(failure: ProviderFailure): AgentryError {
  const { status, type } = failure;
  const quotaSpent = type === 'insufficient_quota';
  let code: ErrorCode;
  let retryable: boolean;
  let hint: string | undefined;
  if (status === 401 || status === 403) {
    code = 'AGENTRY_UNAUTHORIZED';
    retryable = false;
    hint = `The provider refused the API key configured for ${failure.label}; check the key (OPENAI_API_KEY / ANTHROPIC_API_KEY) and its permissions.`;
  } else if (status === 408) {
    code = 'AGENTRY_TIMEOUT';
    retryable = true;
  } else if (status === 429) {
    code = 'AGENTRY_RATE_LIMITED';
    retryable = !quotaSpent;
    hint = quotaSpent
      ? 'The provider account has no quota left: check its billing, or fall back to another provider.'
      : 'The provider rate-limited the call; it was retried with backoff. Lower concurrency or raise the provider limit.';
  } else if (status === 409 || status >= 500) {
    code = 'AGENTRY_UPSTREAM_ERROR';
    retryable = true;
    if (status === 529 || type === 'overloaded_error') hint = 'The provider is overloaded; retry later or configure a fallback provider.';
  } else if (status >= 400) {
    code = 'AGENTRY_INVALID_REQUEST';
    retryable = false;
    hint = `The provider rejected the request to ${failure.label}; its message says which parameter (model name, tools, max tokens...).`;
  } else {
    code = 'AGENTRY_UPSTREAM_ERROR';
    retryable = false;
  }
  const detail = [type, failure.message].filter(Boolean).join(': ');
  return new AgentryError(code, `${failure.label} failed: ${failure.where}${detail ? ` (${detail})` : ''}`, {
    retryable,
    ...(hint === undefined ? {} : { hint }),
    ...(failure.providerRequestId === undefined ? {} : { providerRequestId: failure.providerRequestId }),
    ...(failure.retryAfterMs === undefined ? {} : { retryAfterSeconds: failure.retryAfterMs / 1000 }),
    details: { upstreamStatus: status, ...(type === undefined ? {} : { upstreamType: type }) },
  });
}

/** Reads the request id a provider sends: `x-request-id` (OpenAI and most gateways) or `request-id` (Anthropic). */
export function providerRequestIdOf(headers: ProviderHeaders): string | undefined {
  return first(headers['x-request-id']) ?? first(headers['request-id']);
}

/** Reads `retry-after-ms` or `Retry-After` (seconds or an HTTP date) in milliseconds. */
export function retryAfterMsOf(headers: ProviderHeaders, now: number = Date.now()): number | undefined {
  return parseRetryAfter(first(headers['retry-after']), first(headers['retry-after-ms']), now);
}

/**
 * Turns a non-2xx answer into an AgentryError. Reads the error's type and message from the body
 * shapes both providers use: `{error: {type, code, message}}` (OpenAI) and
 * `{type: 'error', error: {type, message}}` (Anthropic); a body that is neither (a proxy's HTML
 * page) is classified by the status alone.
 */
export function errorFromHttpResponse(label: string, status: number, headers: ProviderHeaders, bodyText: string): AgentryError {
  const body = errorBodyOf(bodyText);
  const retryAfterMs = retryAfterMsOf(headers);
  const providerRequestId = providerRequestIdOf(headers);
  return providerError({
    label,
    status,
    where: `HTTP ${status}`,
    ...body,
    ...(providerRequestId === undefined ? {} : { providerRequestId }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** Extracts `{type, message}` from an error body; the more specific `code` wins over `type` (OpenAI's `insufficient_quota`). */
export function errorBodyOf(bodyText: string): { type?: string; message?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return {};
  }
  const error = (parsed as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return {};
  const { type, code, message } = error as { type?: unknown; code?: unknown; message?: unknown };
  const chosen = typeof code === 'string' && isKnownErrorType(code) ? code : typeof type === 'string' ? type : undefined;
  return {
    ...(chosen === undefined ? {} : { type: chosen }),
    ...(typeof message === 'string' ? { message: message.slice(0, 500) } : {}),
  };
}

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The error for an answer that does not parse; not retryable: the same server will answer the same way. */
export function unexpectedShape(label: string, error: z.ZodError, providerRequestId?: string): AgentryError {
  const issue = error.issues[0];
  return new AgentryError('AGENTRY_UPSTREAM_ERROR', `${label} failed: unexpected response shape (${issue?.path.join('.') || '(root)'}: ${issue?.message})`, {
    retryable: false,
    ...(providerRequestId === undefined ? {} : { providerRequestId }),
    hint: 'The server does not answer in the format this provider expects; check the base URL and the provider kind.',
  });
}
