import { describe, expect, it } from 'vitest';
import { streamEventSchema, type StreamEvent } from '../../contract';
import { createSseEventReader } from './sse-events';

const usage = { inputTokens: 1, outputTokens: 2, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0, latencyMs: 3, modelCalls: 1 };
const result = { id: 'inv_1', agent: 'echo', version: '1.0.0', output: { text: 'ok' }, usage, cache: { hit: false }, evals: [], variant: null, requestId: 'req_1' };
const frame = (id: string, data: unknown) => `id: ${id}\nevent: x\ndata: ${JSON.stringify(data)}\n\n`;

function read(chunks: Array<string | Uint8Array>) {
  const events: Array<{ id: string | undefined; event: StreamEvent }> = [];
  const counts: number[] = [];
  const reader = createSseEventReader('stream echo', (id, event) => events.push({ id, event }));
  for (const chunk of chunks) counts.push(reader.feed(chunk));
  counts.push(reader.end());
  return { events, counts };
}

describe('createSseEventReader', () => {
  it('hands over each event with its id, across chunks split anywhere (inside a line, a character or a frame)', () => {
    const text = frame('s.1', { type: 'start', id: 'inv_1', agent: 'echo', version: '1.0.0', requestId: 'req_1' }) + frame('s.2', { type: 'text-delta', text: 'héllo' }) + frame('s.3', { type: 'result', result });
    const bytes = new TextEncoder().encode(text);
    const whole = read([bytes]);
    expect(whole.events.map(({ id, event }) => [id, event.type])).toEqual([
      ['s.1', 'start'],
      ['s.2', 'text-delta'],
      ['s.3', 'result'],
    ]);
    expect(whole.counts).toEqual([3, 0]);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const split = read([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(split.events).toEqual(whole.events);
      expect(split.counts.reduce((sum, value) => sum + value, 0)).toBe(3);
    }
  });

  it('returns results as zod does, whether the well-formed fast path or zod reads them', () => {
    const { events } = read([frame('s.1', { type: 'result', result }), frame('s.2', { type: 'result', result: { ...result, extra: 'stripped' } })]);
    const expected = streamEventSchema.parse({ type: 'result', result });
    expect(events[0]!.event).toStrictEqual(expected);
    expect(events[1]!.event).toStrictEqual(expected);
  });

  it('fails the chunk with AGENTRY_PROTOCOL_ERROR for a non-JSON event, an unknown type or a malformed result', () => {
    const cases: Array<[string, RegExp]> = [
      ['id: s.1\ndata: {nope\n\n', /event s\.1 is not JSON/],
      [frame('s.1', { type: 'mystery' }), /unknown event type "mystery"/],
      [frame('s.1', { text: 'no type' }), /unknown event type undefined/],
      [frame('s.1', { type: 'result', result: { ...result, usage: { ...usage, inputTokens: -1 } } }), /malformed result event/],
    ];
    for (const [text, message] of cases) {
      const reader = createSseEventReader('stream echo', () => {});
      expect(() => reader.feed(text)).toThrow(message);
      try {
        createSseEventReader('stream echo', () => {}).feed(text);
      } catch (error) {
        expect(error).toMatchObject({ code: 'AGENTRY_PROTOCOL_ERROR' });
      }
    }
  });

  it('ignores comments (keep-alive pings): a chunk of them completes no event', () => {
    expect(read([': ping\n\n', frame('s.1', { type: 'text-delta', text: 'a' })]).counts).toEqual([0, 1, 0]);
  });
});
