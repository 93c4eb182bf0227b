import type { TaskPackLogger } from '../../../core/task-pack';
import type { DetectPiiOptions } from './detect-pii';
import { redactPii } from './redact-pii';

/**
 * Wraps a logger so personal data and secrets never reach log lines: the message and every
 * string inside the fields are redacted to `[REDACTED:<type>]`. Errors in fields are logged as
 * `{ name, message, code? }` with the message redacted (stacks repeat the message and are dropped).
 *
 * @example
 * const logger = redactingLogger(console);
 * logger.info('signed up', { email: 'ada@example.com' }); // fields: { email: '[REDACTED:email]' }
 */
export function redactingLogger(logger: TaskPackLogger, options: DetectPiiOptions = {}): TaskPackLogger {
  const wrap =
    (level: keyof TaskPackLogger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const text = redactPii(String(message), options).value;
      if (fields === undefined) logger[level](text);
      else logger[level](text, redactPii(loggable(fields), options).value as Record<string, unknown>);
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}

/** Turns Error values (which redactPii leaves alone) into plain objects it can walk. */
function loggable(fields: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (!(value instanceof Error)) continue;
    const code = (value as Error & { code?: unknown }).code;
    (copy ??= { ...fields })[key] = { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  return copy ?? fields;
}
