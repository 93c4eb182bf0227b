import type { ServerResponse } from 'node:http';
import type { StreamBuffer } from './stream-buffer';
import { pingFrame } from './sse-writer';

/**
 * Writes a stream's events from number `fromSeq` on to an open SSE response: first those already
 * buffered (a resume's replay), then each new one as it comes, and ends the response after the
 * last. Honours back-pressure (waits for `drain`), pings while idle, and stops quietly when the
 * client goes away: the invocation itself goes on, so the client can resume.
 *
 * Resolves when the response ended or the client left.
 */
export function followStream(buffer: StreamBuffer, response: ServerResponse, fromSeq: number, pingIntervalMs: number): Promise<void> {
  return new Promise((resolve) => {
    let next = fromSeq;
    let waitingForDrain = false;
    let finished = false;

    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(ping);
      unwatch();
      response.off('close', finish);
      response.off('drain', onDrain);
      resolve();
    };
    const end = (): void => {
      finish();
      response.end();
    };
    /** Writes what is buffered; says whether the response should end or wait. */
    const writeBuffered = (): 'caught-up' | 'blocked' | 'dropped' => {
      while (next <= buffer.lastSeq) {
        const frame = buffer.frame(next);
        if (frame === undefined) return 'dropped';
        next++;
        ping.refresh();
        if (!response.write(frame)) {
          waitingForDrain = true;
          response.once('drain', onDrain);
          return 'blocked';
        }
      }
      return 'caught-up';
    };
    const flush = (): void => {
      if (finished || waitingForDrain) return;
      // Several frames at once (a replay, a burst) go out in one write to the socket.
      const batch = buffer.lastSeq > next;
      if (batch) response.cork();
      const outcome = writeBuffered();
      if (batch) response.uncork();
      // 'dropped': the bounded buffer lost frames this slow client had not got. End here; its
      // resume from the last event it has is answered 410, which tells it to start over.
      if (outcome === 'dropped' || (outcome === 'caught-up' && buffer.done)) end();
    };
    const onDrain = (): void => {
      waitingForDrain = false;
      flush();
    };
    const ping = setTimeout(function sendPing() {
      if (finished) return;
      if (!waitingForDrain) response.write(pingFrame);
      ping.refresh();
    }, pingIntervalMs);
    ping.unref();
    const unwatch = buffer.watch(flush);
    response.on('close', finish);
    flush();
  });
}
