import { decodeText } from './decode-text';
import type { Dispatcher } from 'undici';

/** The head of a streamed response; a non-200 answer carries its whole body as text. */
export interface StreamedHead {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body of a non-200 answer (read whole, for its error envelope); undefined for 200. */
  text?: string;
}

/** One request whose 200 body is read chunk by chunk. */
export interface StreamedRequest {
  /** Settles once the head is in (for a non-200 answer, once its whole body is); rejects with the transport's error or the abort reason. */
  readonly head: Promise<StreamedHead>;
  /** True once the whole body arrived. */
  readonly ended: boolean;
  /**
   * The body bytes that arrived since the last take, as one buffer (several network chunks are
   * joined, as a body stream's read() joins what it buffered), or undefined when none did or the
   * request failed.
   */
  take(): Buffer | undefined;
  /** Resolves once there is something to take or the body ended; rejects with the transport's error or the abort reason. */
  ready(): Promise<void>;
  /** Cancels the request (no effect once the body ended): `head` or `ready()` reject with `reason`. */
  abort(reason: unknown): void;
  /** The caller is done with the body: what is left of it is read and dropped, so the connection stays usable, up to `limit` bytes, then the request is cut. */
  discard(limit: number): void;
}

/** Chunks held for a slow reader before the socket is paused (undici's body stream holds as much). */
const highWaterMark = 64 * 1024;

/**
 * Sends one request with `dispatcher.dispatch` and hands its 200 body over as it arrives: what
 * `request()` and iterating the body stream give, without a body stream, its async iterator,
 * an AbortSignal and its listener per request. Holds at most about 64 KiB for a slow reader,
 * pausing the socket meanwhile.
 */
export function sendStreamed(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): StreamedRequest {
  const handler = new StreamingHandler();
  try {
    dispatcher.dispatch(options, handler);
  } catch (error) {
    // undici reports its own failures to the handler; an interceptor might still throw.
    handler.onResponseError(null, error as Error);
  }
  return handler;
}

type Waiter = { resolve: () => void; reject: (error: unknown) => void };

class StreamingHandler implements Dispatcher.DispatchHandler, StreamedRequest {
  readonly head: Promise<StreamedHead>;
  ended = false;
  private resolveHead!: (head: StreamedHead) => void;
  private rejectHead!: (error: unknown) => void;
  private controller: Dispatcher.DispatchController | null = null;
  private aborted = false;
  private abortReason: unknown;
  private headSettled = false;
  private status = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  /** 200: chunks not yet taken; other statuses: the whole body. */
  private queue: Buffer[] = [];
  private queued = 0;
  private failure: { error: unknown } | undefined;
  private waiter: Waiter | undefined;
  private discardLimit = -1;
  private discarded = 0;

  constructor() {
    // Awaited by the caller as soon as the request is sent.
    this.head = new Promise((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
  }

  abort(reason: unknown): void {
    if (this.aborted || this.ended || this.failure !== undefined) return;
    this.aborted = true;
    this.abortReason = reason;
    // Before the request started (queued for a connection) it is aborted when it starts.
    this.controller?.abort(reason as Error);
  }

  take(): Buffer | undefined {
    if (this.queue.length === 0 || this.failure !== undefined) return undefined;
    const chunk = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queued);
    this.queue = [];
    this.queued = 0;
    if (this.controller?.paused === true) this.controller.resume();
    return chunk;
  }

  ready(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure.error);
    if (this.queue.length > 0 || this.ended) return Promise.resolve();
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  discard(limit: number): void {
    this.discardLimit = limit;
    this.discarded = this.queued;
    this.queue = [];
    this.queued = 0;
    if (this.controller?.paused === true) this.controller.resume();
    if (this.discarded > limit) this.abort(new Error('the rest of the body is larger than the discard limit'));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.aborted) controller.abort(this.abortReason as Error);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx answers are informational; the final one follows.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
    if (statusCode === 200) this.settleHead({ status: statusCode, headers });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.discardLimit >= 0) {
      this.discarded += chunk.length;
      if (this.discarded > this.discardLimit) this.abort(new Error('the rest of the body is larger than the discard limit'));
      return;
    }
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.status !== 200) return;
    // The reader takes the queue when it resumes, by when this read's other chunks are in it too.
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.resolve();
    } else if (this.queued >= highWaterMark) {
      controller.pause();
    }
  }

  onResponseEnd(): void {
    this.ended = true;
    if (this.status !== 200) {
      this.settleHead({ status: this.status, headers: this.headers, text: decodeText(this.queue, this.queued) });
      this.queue = [];
      this.queued = 0;
      return;
    }
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.resolve();
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    if (this.ended || this.failure !== undefined) return;
    this.failure = { error };
    if (!this.headSettled) {
      this.headSettled = true;
      this.rejectHead(error);
      return;
    }
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.reject(error);
    }
  }

  private settleHead(head: StreamedHead): void {
    if (this.headSettled) return;
    this.headSettled = true;
    this.resolveHead(head);
  }
}
