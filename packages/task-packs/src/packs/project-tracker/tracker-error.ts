import { AgentryError } from '@agentry/sdk';

const hints: Record<number, string> = {
  401: 'The tracker rejected the token: check the `token` option (a GitHub token with Issues read/write permission).',
  403: 'The token may not do this: grant it Issues write permission on the repository.',
  404: 'The repository or issue does not exist, or the token cannot see it; check `owner`, `repo` and the issue number.',
  410: 'Issues are disabled on this repository, or the issue was deleted.',
};

/**
 * Turns a failed tracker response into an AgentryError. A 422 means the tracker refused what the
 * caller asked for, so it is `AGENTRY_INVALID_INPUT`; everything else is `AGENTRY_UPSTREAM_ERROR`,
 * retryable only for 5xx. The tracker's status and message are kept in `details`.
 */
export function trackerError(operation: string, status: number, body: unknown): AgentryError {
  const payload =
    typeof body === 'object' && body !== null ? (body as { message?: unknown; errors?: unknown; documentation_url?: unknown }) : {};
  const upstreamMessage = typeof payload.message === 'string' ? payload.message : undefined;
  const details = {
    operation,
    upstreamStatus: status,
    ...(upstreamMessage === undefined ? {} : { upstreamMessage }),
    ...(payload.errors === undefined ? {} : { errors: payload.errors }),
    ...(typeof payload.documentation_url === 'string' ? { documentationUrl: payload.documentation_url } : {}),
  };
  const message = `project-tracker ${operation} failed: the tracker answered ${status}${upstreamMessage ? ` ${upstreamMessage}` : ''}`;
  if (status === 422) {
    return new AgentryError('AGENTRY_INVALID_INPUT', message, {
      details,
      hint: 'The tracker refused the values (see details.errors): fix the fields it names.',
    });
  }
  return new AgentryError('AGENTRY_UPSTREAM_ERROR', message, {
    details,
    retryable: status >= 500,
    ...(hints[status] === undefined ? {} : { hint: hints[status] }),
  });
}
