import { createId } from '../core/ids';
import { createStreamBuffer, type StreamBuffer } from './stream-buffer';

/** Options of {@link createStreamRegistry}. */
export interface StreamRegistryOptions {
  /** How long a finished stream stays resumable, in ms. */
  replayWindowMs: number;
  /** Events kept per stream. */
  maxEventsPerStream: number;
}

/** The streams a server can resume: running ones, and finished ones for the replay window. */
export interface StreamRegistry {
  /** Registers a new stream of `tenant` with a fresh `str_...` id. */
  create(tenant: string, agent: string): StreamBuffer;
  /**
   * The stream with this id when it belongs to `tenant` and `agent`. Another tenant's stream
   * answers exactly like an unknown one, so stream ids leak nothing across tenants.
   */
  find(streamId: string, tenant: string, agent: string): StreamBuffer | undefined;
  /** Streams kept now. */
  readonly size: number;
  /** Forgets every stream and stops the expiry timers. */
  close(): void;
}

export function createStreamRegistry(options: StreamRegistryOptions): StreamRegistry {
  const streams = new Map<string, StreamBuffer>();
  const expiries = new Map<string, NodeJS.Timeout>();

  function expire(buffer: StreamBuffer): void {
    if (options.replayWindowMs === 0) {
      streams.delete(buffer.streamId);
      return;
    }
    const timer = setTimeout(() => {
      streams.delete(buffer.streamId);
      expiries.delete(buffer.streamId);
    }, options.replayWindowMs);
    // A kept stream must not hold the process open.
    timer.unref();
    expiries.set(buffer.streamId, timer);
  }

  return {
    create(tenant, agent) {
      const buffer = createStreamBuffer({ streamId: createId('str'), tenant, agent, maxEvents: options.maxEventsPerStream, onEnd: expire });
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
    close() {
      for (const timer of expiries.values()) clearTimeout(timer);
      expiries.clear();
      streams.clear();
    },
  };
}
