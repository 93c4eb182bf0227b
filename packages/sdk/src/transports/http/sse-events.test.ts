import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { streamEventSchema, type StreamEvent } from '../../contract';
import { createSseEventReader } from './sse-events';

const usage = { inputTokens: 1, outputTokens: 2, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0, latencyMs: 3, modelCalls: 1 };
const result = { id: 'inv_1', agent: 'echo', version: '1.0.0', output: { text: 'ok' }, usage, cache: { hit: false }, evals: [], variant: null, requestId: 'req_1' };
const frame = (id: string, data: unknown) => `id: ${id}\nevent: x\ndata: ${JSON.stringify(data)}\n\n`;
const delta = (text: string) => ({ type: 'text-delta', text });

function read(chunks: Array<string | Uint8Array>) {
  const events: StreamEvent[] = [];
  const counts: number[] = [];
  const lastIds: Array<string | undefined> = [];
  const reader = createSseEventReader('stream echo');
  for (const chunk of chunks) {
    counts.push(reader.feed(chunk));
    events.push(...reader.takeEvents());
    lastIds.push(reader.lastId);
  }
  counts.push(reader.end());
  events.push(...reader.takeEvents());
  return { events, counts, lastIds, reader };
}

describe('createSseEventReader', () => {
  it('collects each event and the last id, across chunks split anywhere (inside a line, a character or a frame)', () => {
    const text = frame('s.1', { type: 'start', id: 'inv_1', agent: 'echo', version: '1.0.0', requestId: 'req_1' }) + frame('s.2', delta('héllo')) + frame('s.3', { type: 'result', result });
    const bytes = new TextEncoder().encode(text);
    const whole = read([bytes]);
    expect(whole.events.map((event) => event.type)).toEqual(['start', 'text-delta', 'result']);
    expect(whole.counts).toEqual([3, 0]);
    expect(whole.lastIds).toEqual(['s.3']);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const split = read([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(split.events).toEqual(whole.events);
      expect(split.counts.reduce((sum, value) => sum + value, 0)).toBe(3);
      expect(split.reader.lastId).toBe('s.3');
    }
  });

  it('returns results as zod does, whether the well-formed fast path or zod reads them', () => {
    const { events } = read([frame('s.1', { type: 'result', result }), frame('s.2', { type: 'result', result: { ...result, extra: 'stripped' } })]);
    const expected = streamEventSchema.parse({ type: 'result', result });
    expect(events).toHaveLength(1);
    expect(events[0]).toStrictEqual(expected);
    const zodRead = read([frame('s.1', { type: 'result', result: { ...result, extra: 'stripped' } })]);
    expect(zodRead.events[0]).toStrictEqual(expected);
  });

  it('fails the chunk with AGENTRY_PROTOCOL_ERROR for a non-JSON event, an unknown type or a malformed result', () => {
    const cases: Array<[string, RegExp]> = [
      ['id: s.1\ndata: {nope\n\n', /event s\.1 is not JSON/],
      ['data: {nope\n\n', /event \? is not JSON/],
      [frame('s.1', { type: 'mystery' }), /unknown event type "mystery"/],
      [frame('s.1', { text: 'no type' }), /unknown event type undefined/],
      [frame('s.1', { type: 'result', result: { ...result, usage: { ...usage, inputTokens: -1 } } }), /malformed result event/],
      [frame('s.1', { type: 'error', error: { message: 'no code' } }), /malformed error event/],
    ];
    for (const [text, message] of cases) {
      expect(() => createSseEventReader('stream echo').feed(text)).toThrow(message);
      try {
        createSseEventReader('stream echo').feed(text);
      } catch (error) {
        expect(error).toMatchObject({ code: 'AGENTRY_PROTOCOL_ERROR' });
      }
    }
  });

  it('still fails for a malformed event after the result, though it drops what follows the result', () => {
    expect(() => createSseEventReader('stream echo').feed(frame('s.1', { type: 'result', result }) + 'id: s.2\ndata: {nope\n\n')).toThrow(/event s\.2 is not JSON/);
    const after = read([frame('s.1', { type: 'result', result }) + frame('s.2', delta('late'))]);
    expect(after.events.map((event) => event.type)).toEqual(['result']);
    expect(after.counts).toEqual([2, 0]);
    expect(after.reader.lastId).toBe('s.1');
  });

  it('ignores comments (keep-alive pings): a chunk of them completes no event', () => {
    expect(read([': ping\n\n', frame('s.1', delta('a'))]).counts).toEqual([0, 1, 0]);
  });

  it('keeps the error event apart from the events before it, and drops everything after it', () => {
    const error = { type: 'error', error: { code: 'AGENTRY_INTERNAL', message: 'boom', hint: 'retry' } };
    const { events, reader } = read([frame('s.1', delta('a')) + frame('s.2', error) + frame('s.3', delta('b'))]);
    expect(events).toEqual([delta('a')]);
    expect(reader.errorEvent).toMatchObject(error);
    expect(reader.lastId).toBe('s.2');
  });

  it('drops events replayed on resume (a sequence number not past the last collected) and keeps reading after restart()', () => {
    const reader = createSseEventReader('stream echo');
    reader.feed(frame('s.1', delta('a')) + frame('s.2', delta('b')) + 'id: s.3\ndata: {"type":"text-del');
    expect(reader.takeEvents()).toEqual([delta('a'), delta('b')]);
    expect(reader.lastId).toBe('s.2');
    // The next response replays from the start; the half event of the broken one is forgotten.
    reader.restart();
    expect(reader.feed(frame('s.1', delta('a')) + frame('s.2', delta('b')) + frame('s.3', delta('c')))).toBe(3);
    expect(reader.takeEvents()).toEqual([delta('c')]);
    expect(reader.lastId).toBe('s.3');
  });

  it('reads sequence numbers as Number() of the text after the last dot, and collects events without one', () => {
    const { events, reader } = read([
      frame('x.5', delta('5')) + frame('x.0005', delta('dup')) + frame('y.6', delta('6')) + frame('weird', delta('no seq')) + frame('z.1e1', delta('10')) + frame('z.9', delta('9')),
    ]);
    expect(events).toEqual([delta('5'), delta('6'), delta('no seq'), delta('10')]);
    expect(reader.lastId).toBe('z.1e1');
    expect(read(['data: {"type":"text-delta","text":"a"}\n\n']).reader.lastId).toBeUndefined();
  });

  it('reads sequence numbers of 15 digits, and collects events whose number is past the safe integers without moving the resume position', () => {
    const { events, reader } = read([frame('s.999999999999999', delta('15 digits')) + frame('s.9007199254740993', delta('unsafe')) + frame('9007199254740993', delta('unsafe, no dot'))]);
    expect(events).toEqual([delta('15 digits'), delta('unsafe'), delta('unsafe, no dot')]);
    expect(reader.lastId).toBe('s.999999999999999');
  });
});

// The reader's own work around eventsource-parser (decoding chunks cut inside a character,
// sequence numbers read off the id's last digits, replayed events dropped) is held to the plain
// use of eventsource-parser on one whole string, on generated streams cut into random chunks.
describe('createSseEventReader against whole-text eventsource-parser', () => {
  it('reads the same events with the same ids from generated streams, whatever the line ends, fields, ids and chunk cuts', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    for (let round = 0; round < 500; round++) {
      // Line ends mixed within a stream, but never a CR followed by a LF-led end (that is one CRLF).
      const ends = pick([['\n'], ['\n'], ['\n', '\r\n'], ['\r', '\r\n'], ['\r\n']]);
      const newline = () => pick(ends);
      let text = random() < 0.1 ? '\uFEFF' : '';
      const eventCount = 1 + Math.floor(random() * 12);
      for (let index = 0; index < eventCount; index++) {
        const lines: string[] = [];
        if (random() < 0.25) lines.push(pick([': ping', ':', `: ${'long comment '.repeat(20)}`, 'retry: 100', 'event', 'unknown: x', 'idx: s.99', 'data2: no', 'id', 'i', 'd']));
        if (random() < 0.8) lines.push(pick(['id: ', 'id:', 'id:  ']) + pick([`s.${index + 1}`, `s.${Math.floor(random() * 20)}`, `str_${index}`, `s.${index}\0`, '', `a.b.${index + 3}`, `${index + 2}`, `s.${index}x`]));
        if (random() < 0.7) lines.push(`event:${pick([' text-delta', 'x', '', ` ${'name'.repeat(30)}`])}`);
        if (random() < 0.1) lines.push('id: s.1000');
        const json = JSON.stringify(delta(`t${index} ${pick(['é', '😀', 'a:b', ' ', ''])}`));
        if (random() < 0.2) {
          // Multi-line data: JSON split at a comma, joined again with a line feed.
          const comma = json.indexOf(',');
          lines.push(`data:${json.slice(0, comma + 1)}`, `data: ${json.slice(comma + 1)}`);
        } else if (random() < 0.9) {
          lines.push(`data: ${json}`);
          if (random() < 0.1) lines.push('data');
        }
        text += lines.map((line) => line + newline()).join('') + newline();
      }
      if (random() < 0.3) text += 'data: {"type":"text-delta","text":"unfinished"}\n';

      // The reference: eventsource-parser's events, kept as the transport keeps them.
      const expected: unknown[] = [];
      let expectedCount = 0;
      let lastSeq = 0;
      let lastId: string | undefined;
      const parser = createParser({
        onEvent(message) {
          expectedCount++;
          const seq = message.id === undefined ? undefined : Number(message.id.slice(message.id.lastIndexOf('.') + 1));
          if (seq !== undefined && Number.isSafeInteger(seq)) {
            if (seq <= lastSeq) return;
            lastSeq = seq;
            lastId = message.id;
          }
          expected.push(JSON.parse(message.data));
        },
      });
      parser.feed(text);

      // Chunks as text, as plain Uint8Arrays, and as Buffers (what undici hands over).
      const bytes = round % 4 === 0 ? Buffer.from(text) : new TextEncoder().encode(text);
      const asBytes = round % 2 === 0;
      const cuts: Array<string | Uint8Array> = [];
      for (let at = 0; at < (asBytes ? bytes.length : text.length); ) {
        const size = 1 + Math.floor(random() * (random() < 0.5 ? 4 : 60));
        cuts.push(asBytes ? bytes.subarray(at, at + size) : text.slice(at, at + size));
        at += size;
      }
      const actual = read(cuts);
      expect(actual.events, text).toEqual(expected);
      expect(actual.counts.reduce((sum, count) => sum + count, 0)).toBe(expectedCount);
      expect(actual.reader.lastId).toBe(lastId);
    }
  });
});
