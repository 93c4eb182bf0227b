import type { TaskPackLogger } from './task-pack';

/** A logger that drops everything: the default, so a library never writes to stdout uninvited. */
export const silentLogger: TaskPackLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
