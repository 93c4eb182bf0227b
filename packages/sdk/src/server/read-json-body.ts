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
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (!isJsonContentType(request.headers['content-type'])) {
    request.resume();
    throw new AgentryError('AGENTRY_UNSUPPORTED_MEDIA_TYPE', `expected Content-Type application/json, got ${describe(request.headers['content-type'])}`);
  }
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    request.resume();
    throw tooLarge(maxBytes);
  }
  const text = await readText(request, maxBytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AgentryError('AGENTRY_INVALID_JSON', `the request body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

function readText(request: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onAbort);
      request.off('close', onAbort);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        chunks.length = 0;
        // Keep reading into nothing, so the client finishes sending and can read the 413.
        request.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8'));
    };
    const onAbort = (): void => {
      cleanup();
      reject(new AgentryError('AGENTRY_INVALID_REQUEST', 'the request body was cut off before its end'));
    };
    if (request.destroyed) {
      onAbort();
      return;
    }
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onAbort);
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
