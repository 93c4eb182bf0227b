import type { StreamEvent } from '../contract';
import { formatEventFrame } from './sse-writer';

/**
 * The events of one stream, kept as ready-to-write SSE frames so a resumed client can be sent
 * the ones it missed. Events are numbered from 1; only the newest `maxEvents` are kept.
 */
export interface StreamBuffer {
  readonly streamId: string;
  readonly tenant: string;
  readonly agent: string;
  /** Number of the oldest event still kept. */
  readonly firstSeq: number;
  /** Number of the newest event, 0 before the first. */
  readonly lastSeq: number;
  /** True once the stream ended (after its `result` or `error`). */
  readonly done: boolean;
  append(event: StreamEvent): void;
  end(): void;
  /** The frame of event `seq`, or undefined when it was dropped or does not exist yet. */
  frame(seq: number): string | undefined;
  /** Calls `listener` after each append and at the end; returns the function that stops it. */
  watch(listener: () => void): () => void;
}

/** Options of {@link createStreamBuffer}. */
export interface StreamBufferOptions {
  streamId: string;
  tenant: string;
  agent: string;
  /** Frames kept for resumes. */
  maxEvents: number;
  /** Called once when the stream ends. */
  onEnd?: (buffer: StreamBuffer) => void;
}

export function createStreamBuffer(options: StreamBufferOptions): StreamBuffer {
  const frames: string[] = [];
  const listeners = new Set<() => void>();
  let firstSeq = 1;
  let lastSeq = 0;
  let done = false;

  const notify = (): void => {
    for (const listener of listeners) listener();
  };

  const buffer: StreamBuffer = {
    streamId: options.streamId,
    tenant: options.tenant,
    agent: options.agent,
    get firstSeq() {
      return firstSeq;
    },
    get lastSeq() {
      return lastSeq;
    },
    get done() {
      return done;
    },
    append(event) {
      if (done) return;
      lastSeq++;
      frames.push(formatEventFrame(options.streamId, lastSeq, event));
      if (frames.length > options.maxEvents) {
        frames.shift();
        firstSeq++;
      }
      notify();
    },
    end() {
      if (done) return;
      done = true;
      notify();
      listeners.clear();
      options.onEnd?.(buffer);
    },
    frame(seq) {
      return seq < firstSeq || seq > lastSeq ? undefined : frames[seq - firstSeq];
    },
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return buffer;
}
