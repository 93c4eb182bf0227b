import { AgentryError, streamEventSchema, streamEventTypes, type StreamEvent } from '../../contract';
import { checkInvokeResult } from './invoke-result-check';

const knownTypes = new Set<string>(streamEventTypes);

/** Checks a parsed event other than a text delta: a known type; `result` and `error` in full. */
export function checkStreamEvent(data: unknown, label: string): StreamEvent {
  const type = (data as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !knownTypes.has(type)) throw streamProtocolError(label, `unknown event type ${JSON.stringify(type)}`);
  if (type === 'result') {
    // The usual, well-formed result skips zod (see invoke-result-check); anything else goes to zod.
    const result = isResultEnvelope(data) ? checkInvokeResult(data.result) : undefined;
    if (result !== undefined) return { type: 'result', result };
  }
  if (type === 'result' || type === 'error') {
    const parsed = streamEventSchema.safeParse(data);
    if (!parsed.success) throw streamProtocolError(label, `malformed ${type} event: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }
  return data as StreamEvent;
}

/** `{ type, result }` and nothing else, as `resultEventSchema` keeps. */
function isResultEnvelope(data: unknown): data is { type: 'result'; result: unknown } {
  let keys = 0;
  for (const key in data as object) {
    if (key !== 'type' && key !== 'result') return false;
    keys++;
  }
  return keys === 2 && Object.getPrototypeOf(data) === Object.prototype;
}

/** The error a malformed stream ends with. */
export function streamProtocolError(label: string, reason: string, cause?: unknown): AgentryError {
  return new AgentryError('AGENTRY_PROTOCOL_ERROR', `${label}: ${reason}`, { cause });
}
