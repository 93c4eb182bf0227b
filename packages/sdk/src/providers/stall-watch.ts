import { AgentryError } from '../contract';

/** A watch that aborts one attempt of a streamed model call when the provider goes silent. */
export interface StallWatch {
  /** Aborts with AGENTRY_STREAM_STALLED as its reason. */
  readonly signal: AbortSignal;
  /** Bytes or an SSE message arrived (keep-alive pings included): re-arms the idle deadline once the first event was seen. */
  activity(): void;
  /** A model event is about to reach the caller: ends the first-event deadline. */
  event(): void;
  /** The caller holds an event: its own pace must not count as the provider's silence. */
  pause(): void;
  /** The caller asked for the next event. */
  resume(): void;
  stop(): void;
}

/**
 * Deadlines of a stream: the first model event (time to first token) within `firstEventMs` of the
 * request, then no silence longer than `idleMs` between SSE messages. Pings count as activity, so
 * a model that thinks while the provider keeps the connection alive is not cut; they do not count
 * as the first event, so a provider that only pings still trips the first deadline.
 */
export function createStallWatch(firstEventMs: number, idleMs: number, label: string): StallWatch {
  const controller = new AbortController();
  let sawEvent = false;
  let paused = false;
  let timer: NodeJS.Timeout | undefined = setTimeout(() => stall(`no model event within ${firstEventMs} ms`), firstEventMs);

  function stall(reason: string): void {
    controller.abort(new AgentryError('AGENTRY_STREAM_STALLED', `${label} stalled: ${reason}`));
  }
  function armIdle(): void {
    clearTimeout(timer);
    timer = setTimeout(() => stall(`no activity for ${idleMs} ms`), idleMs);
  }

  return {
    signal: controller.signal,
    activity() {
      if (sawEvent && !paused) armIdle();
    },
    event() {
      sawEvent = true;
      armIdle();
    },
    pause() {
      paused = true;
      clearTimeout(timer);
    },
    resume() {
      paused = false;
      if (sawEvent) armIdle();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
