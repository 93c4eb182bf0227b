import { describe, expect, it } from 'vitest';
import { AgentryError } from '../contract';
import { resolveRetryOptions } from '../core/backoff';
import type { ProviderRetryInfo } from './provider-settings';
import { retryBeforeFirstEvent, retryCall } from './retry-before-first-event';

function settings(limit = 2) {
  const retries: ProviderRetryInfo[] = [];
  return { retries, value: { label: 'test', retry: resolveRetryOptions({ limit }), random: () => 0, onRetry: (info: ProviderRetryInfo) => void retries.push(info) } };
}

const overloaded = () => new AgentryError('AGENTRY_UPSTREAM_ERROR', 'overloaded');

describe('retryBeforeFirstEvent', () => {
  it('retries a retryable failure that came before any event', async () => {
    const { value, retries } = settings();
    let attempts = 0;
    const events: string[] = [];
    for await (const event of retryBeforeFirstEvent(value, undefined, async function* () {
      attempts++;
      if (attempts < 3) throw overloaded();
      yield 'ok';
    })) {
      events.push(event);
    }
    expect(events).toEqual(['ok']);
    expect(retries.map((retry) => retry.attempt)).toEqual([1, 2]);
  });

  it('never retries once an event went out', async () => {
    const { value } = settings();
    let attempts = 0;
    const events: string[] = [];
    await expect(
      (async () => {
        for await (const event of retryBeforeFirstEvent(value, undefined, async function* () {
          attempts++;
          yield 'partial';
          throw overloaded();
        })) {
          events.push(event);
        }
      })(),
    ).rejects.toMatchObject({ code: 'AGENTRY_UPSTREAM_ERROR' });
    expect(attempts).toBe(1);
    expect(events).toEqual(['partial']);
  });

  it('stops at the retry limit and throws the last failure', async () => {
    const { value } = settings(1);
    let attempts = 0;
    await expect(
      retryCall(value, undefined, async () => {
        attempts++;
        throw overloaded();
      }),
    ).rejects.toMatchObject({ code: 'AGENTRY_UPSTREAM_ERROR' });
    expect(attempts).toBe(2);
  });

  it('does not retry a failure that is not retryable', async () => {
    const { value } = settings();
    let attempts = 0;
    await expect(
      retryCall(value, undefined, async () => {
        attempts++;
        throw new AgentryError('AGENTRY_INVALID_REQUEST', 'bad');
      }),
    ).rejects.toMatchObject({ code: 'AGENTRY_INVALID_REQUEST' });
    expect(attempts).toBe(1);
  });
});
