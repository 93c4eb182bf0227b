import { decodeText } from './decode-text';
import type { Dispatcher } from 'undici';

/** A whole response: status, headers and the body decoded as UTF-8 text. */
export interface BufferedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request in flight. */
export interface BufferedRequest {
  /** Settles with the whole response, or rejects with the transport's error or the abort reason. */
  readonly response: Promise<BufferedResponse>;
  /** Cancels the request: `response` rejects with `reason`. No effect once it settled. */
  abort(reason: unknown): void;
}

/**
 * Sends one request with `dispatcher.dispatch` and collects the whole body as text: the result of
 * `request()` then `body.text()` (a leading UTF-8 BOM dropped, as undici does), without a body
 * stream, an AbortSignal and its listener per request, which JSON calls never need.
 */
export function sendBuffered(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): BufferedRequest {
  const handler = new BufferingHandler();
  const response = new Promise<BufferedResponse>((resolve, reject) => {
    handler.resolve = resolve;
    handler.reject = reject;
  });
  try {
    dispatcher.dispatch(options, handler);
  } catch (error) {
    // undici reports its own failures to the handler; an interceptor might still throw.
    handler.onResponseError(null, error as Error);
  }
  return { response, abort: (reason) => handler.abort(reason) };
}

class BufferingHandler implements Dispatcher.DispatchHandler {
  resolve!: (response: BufferedResponse) => void;
  reject!: (error: unknown) => void;
  private controller: Dispatcher.DispatchController | undefined;
  private abortReason: unknown;
  private aborted = false;
  private settled = false;
  private status = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  private chunks: Buffer[] = [];
  private length = 0;

  abort(reason: unknown): void {
    if (this.settled || this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    // Before the request started (queued for a connection) it is aborted when it starts.
    this.controller?.abort(reason as Error);
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
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve({ status: this.status, headers: this.headers, text: decodeText(this.chunks, this.length) });
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}
