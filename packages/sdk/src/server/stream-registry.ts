import { createId } from '../core/ids';
import { createStreamBuffer, type StreamBuffer } from './stream-buffer';

/** Options of {@link createStreamRegistry}. */
export interface StreamRegistryOptions {
  /** How long a finished stream stays resumable, in ms. */
  replayWindowMs: number;
  /** Events kept per stream. */
  maxEventsPerStream: number;
  /** Streams running at once; {@link StreamRegistry.reserve} refuses past it. @default unbounded */
  maxRunning?: number;
  /** Finished streams kept; past it the oldest finished one is forgotten. @default unbounded */
  maxRetained?: number;
}

/**
 * The streams a server can resume: running ones, and finished ones for the replay window (at
 * most `maxRetained` of them, the most recently finished).
 */
export interface StreamRegistry {
  /**
   * Holds a place for a stream about to start, so streams starting at once cannot overshoot
   * `maxRunning`; false when it is reached. {@link create} takes the place, {@link release} gives
   * it back when the stream never starts.
   */
  reserve(): boolean;
  /** Gives back a reserved place whose stream never started. */
  release(): void;
  /** Registers a new running stream of `tenant` (in a reserved place, if any) with a fresh `str_...` id. */
  create(tenant: string, agent: string): StreamBuffer;
  /**
   * The stream with this id when it belongs to `tenant` and `agent`. Another tenant's stream
   * answers exactly like an unknown one, so stream ids leak nothing across tenants.
   */
  find(streamId: string, tenant: string, agent: string): StreamBuffer | undefined;
  /** Streams kept now, running and finished. */
  readonly size: number;
  /** Streams running, and reserved ones about to start. */
  readonly running: number;
  /** Finished streams kept for resumes. */
  readonly retained: number;
  /** Finished streams forgotten before their replay window ended, to stay within `maxRetained`. */
  readonly evicted: number;
  /** Forgets every stream and stops the expiry timers. */
  close(): void;
}

export function createStreamRegistry(options: StreamRegistryOptions): StreamRegistry {
  const maxRunning = options.maxRunning ?? Number.POSITIVE_INFINITY;
  const maxRetained = options.maxRetained ?? Number.POSITIVE_INFINITY;
  const streams = new Map<string, StreamBuffer>();
  // Finished streams in the order they finished, each with its expiry timer.
  const finished = new Map<string, NodeJS.Timeout>();
  let running = 0;
  let reserved = 0;
  let evicted = 0;

  function forget(streamId: string): void {
    clearTimeout(finished.get(streamId));
    finished.delete(streamId);
    streams.delete(streamId);
  }

  function end(buffer: StreamBuffer): void {
    running--;
    if (options.replayWindowMs === 0 || maxRetained === 0) {
      streams.delete(buffer.streamId);
      return;
    }
    const timer = setTimeout(forget, options.replayWindowMs, buffer.streamId);
    // A kept stream must not hold the process open.
    timer.unref();
    finished.set(buffer.streamId, timer);
    if (finished.size > maxRetained) {
      // The first key is the stream that finished longest ago.
      forget(finished.keys().next().value!);
      evicted++;
    }
  }

  return {
    reserve() {
      if (running + reserved >= maxRunning) return false;
      reserved++;
      return true;
    },
    release() {
      if (reserved > 0) reserved--;
    },
    create(tenant, agent) {
      if (reserved > 0) reserved--;
      running++;
      const buffer = createStreamBuffer({ streamId: createId('str'), tenant, agent, maxEvents: options.maxEventsPerStream, onEnd: end });
      streams.set(buffer.streamId, buffer);
      return buffer;
    },
    find(streamId, tenant, agent) {
      const buffer = streams.get(streamId);
      return buffer !== undefined && buffer.tenant === tenant && buffer.agent === agent ? buffer : undefined;
    },
    get size() {
      return streams.size;
    },
    get running() {
      return running + reserved;
    },
    get retained() {
      return finished.size;
    },
    get evicted() {
      return evicted;
    },
    close() {
      for (const timer of finished.values()) clearTimeout(timer);
      finished.clear();
      streams.clear();
    },
  };
}
