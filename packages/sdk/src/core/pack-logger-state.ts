import type { TaskPackLogger } from './task-pack';

/**
 * Key in `invocation.state` under which a middleware (governance, to redact personal data) leaves
 * `(logger) => logger`: the runtime hands the pack the logger it returns instead of its own, so
 * what a pack logs passes the same rules as what it answers.
 */
export const packLoggerStateKey: unique symbol = Symbol.for('agentry.pack-logger');

/** The value stored under {@link packLoggerStateKey}. */
export type PackLoggerWrapper = (logger: TaskPackLogger) => TaskPackLogger;
