import { toAgentryError, type AgentryError } from '../contract';
import { backoffDelay, sleep } from '../core/backoff';
import { cancelled } from './attempt-failure';
import type { ResolvedHttpSettings } from './provider-settings';

type RetrySettings = Pick<ResolvedHttpSettings, 'label' | 'retry' | 'random' | 'onRetry'>;

/**
 * Runs a streamed call, opening a new attempt after a retryable failure as long as nothing has
 * reached the caller yet. Once the first event is out, a failure is thrown as it is: replaying a
 * model call the caller has half-seen would duplicate text and double the bill.
 */
export async function* retryBeforeFirstEvent<T>(
  settings: RetrySettings,
  signal: AbortSignal | undefined,
  attempt: (attemptNumber: number) => AsyncIterable<T>,
): AsyncGenerator<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    let delivered = false;
    try {
      for await (const event of attempt(attemptNumber)) {
        delivered = true;
        yield event;
      }
      return;
    } catch (error) {
      const failure = toAgentryError(error, 'AGENTRY_UPSTREAM_ERROR', settings.label);
      if (delivered) throw failure;
      await waitToRetry(settings, signal, failure, attemptNumber);
    }
  }
}

/** Runs a non-streamed call with the same retry rule (its result is its only event). */
export async function retryCall<T>(
  settings: RetrySettings,
  signal: AbortSignal | undefined,
  attempt: (attemptNumber: number) => Promise<T>,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      await waitToRetry(settings, signal, toAgentryError(error, 'AGENTRY_UPSTREAM_ERROR', settings.label), attemptNumber);
    }
  }
}

/**
 * Waits before the next attempt, or throws `failure` when it must not be retried: not retryable,
 * retries spent, the caller gone, or a Retry-After longer than `maxRetryAfterMs` (failing fast
 * lets a fallback provider take over instead of hanging the call).
 */
async function waitToRetry(settings: RetrySettings, signal: AbortSignal | undefined, failure: AgentryError, attemptNumber: number): Promise<void> {
  if (signal?.aborted) throw cancelled(signal, settings.label);
  if (!failure.retryable || attemptNumber > settings.retry.limit) throw failure;
  const retryAfterMs = failure.retryAfterSeconds === undefined ? undefined : failure.retryAfterSeconds * 1000;
  if (retryAfterMs !== undefined && retryAfterMs > settings.retry.maxRetryAfterMs) throw failure;
  const delayMs = backoffDelay(attemptNumber, settings.retry, retryAfterMs, settings.random);
  settings.onRetry?.({ attempt: attemptNumber, delayMs, error: failure });
  try {
    await sleep(delayMs, signal);
  } catch {
    throw cancelled(signal!, settings.label);
  }
}
