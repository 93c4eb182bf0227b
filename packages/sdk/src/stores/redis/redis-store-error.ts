import { AgentryError, isAgentryError } from '../../contract';

/**
 * Turns a failed Redis command into an AgentryError naming the operation and key. A reply error
 * (Redis answered, but refused: WRONGTYPE, a script error) is a bug, not an outage, so it is
 * AGENTRY_INTERNAL; everything else (refused connection, lost socket, command timeout, flushed
 * queue) means the store is unavailable and a retry may succeed.
 */
export function toRedisStoreError(operation: string, target: string, error: unknown): AgentryError {
  if (isAgentryError(error)) return error;
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'ReplyError') {
    return new AgentryError('AGENTRY_INTERNAL', `redis store ${operation} ${target} failed: ${text}`, { cause: error });
  }
  return new AgentryError('AGENTRY_STORE_UNAVAILABLE', `redis store ${operation} ${target} failed: Redis is unavailable (${text})`, {
    cause: error,
  });
}
