import type { IncomingMessage } from 'node:http';
import { AgentryError } from '../contract';

/**
 * Reads and parses a JSON request body of at most `maxBytes`.
 *
 * The declared `Content-Length` is checked before a byte is read, and bytes are counted as they
 * arrive so a chunked body is refused as soon as it passes the limit. A refused body is drained
 * and discarded (not buffered) so the connection can carry the 413 and stay usable.
 *
 * @throws AgentryError `AGENTRY_UNSUPPORTED_MEDIA_TYPE` (not `application/json`),
 * `AGENTRY_PAYLOAD_TOO_LARGE`, `AGENTRY_INVALID_JSON`, `AGENTRY_INVALID_REQUEST` (body aborted).
 */
export function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (!isJsonContentType(request.headers['content-type'])) {
    request.resume();
    return Promise.reject(
      new AgentryError('AGENTRY_UNSUPPORTED_MEDIA_TYPE', `expected Content-Type application/json, got ${describe(request.headers['content-type'])}`),
    );
  }
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    request.resume();
    return Promise.reject(tooLarge(maxBytes));
  }
  return readJson(request, maxBytes);
}

// One promise and three listeners per body; the listeners stay attached after the body settles
// (the request is discarded with them) and a `settled` flag makes late events no-ops, which is
// cheaper per request than removing them. No 'error' listener: node:http emits 'error' on a
// request only when someone listens, and 'close' follows every failure anyway, so 'close' alone
// tells a body cut off before its end.
function readJson(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let rest: Buffer[] | undefined;
    let size = 0;
    let settled = false;
    const onData = (chunk: Buffer): void => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        settled = true;
        first = undefined;
        rest = undefined;
        // Keep reading into nothing, so the client finishes sending and can read the 413.
        request.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      if (first === undefined) first = chunk;
      else (rest ??= [first]).push(chunk);
    };
    const onEnd = (): void => {
      if (settled) return;
      settled = true;
      const text = rest !== undefined ? Buffer.concat(rest, size).toString('utf8') : first !== undefined ? first.toString('utf8') : '';
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject(new AgentryError('AGENTRY_INVALID_JSON', `the request body is not valid JSON: ${(error as Error).message}`, { cause: error }));
      }
    };
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      reject(new AgentryError('AGENTRY_INVALID_REQUEST', 'the request body was cut off before its end'));
    };
    if (request.destroyed) {
      onAbort();
      return;
    }
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('close', onAbort);
  });
}

/** Accepts `application/json` with no charset or a UTF-8 one, in any letter case. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value === 'application/json' || value === 'application/json; charset=utf-8') return true;
  const parameters = value.split(';');
  if (parameters[0]!.trim().toLowerCase() !== 'application/json') return false;
  for (let index = 1; index < parameters.length; index++) {
    const [name = '', parameterValue = ''] = parameters[index]!.split('=', 2);
    if (name.trim().toLowerCase() !== 'charset') continue;
    const charset = parameterValue.trim().replaceAll('"', '').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') return false;
  }
  return true;
}

function tooLarge(maxBytes: number): AgentryError {
  return new AgentryError('AGENTRY_PAYLOAD_TOO_LARGE', `the request body is larger than the server's limit of ${maxBytes} bytes`);
}

function describe(value: string | undefined): string {
  return value === undefined ? 'none' : JSON.stringify(value.slice(0, 100));
}
