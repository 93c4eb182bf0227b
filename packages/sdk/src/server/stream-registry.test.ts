import { describe, expect, it } from 'vitest';
import { createStreamRegistry } from './stream-registry';
import { parseEventId } from './sse-writer';

const delta = (text: string) => ({ type: 'text-delta' as const, text });

describe('createStreamRegistry', () => {
  it('numbers events from 1 and formats each as an SSE frame with the stream id', () => {
    const registry = createStreamRegistry({ replayWindowMs: 1_000, maxEventsPerStream: 10 });
    const buffer = registry.create('tenant', 'agent');
    buffer.append(delta('a'));
    buffer.append(delta('b'));
    expect(buffer.lastSeq).toBe(2);
    expect(buffer.frame(2)).toBe(`id: ${buffer.streamId}.2\nevent: text-delta\ndata: {"type":"text-delta","text":"b"}\n\n`);
    expect(buffer.frame(3)).toBeUndefined();
    registry.close();
  });

  it('keeps only the newest events of a long stream', () => {
    const registry = createStreamRegistry({ replayWindowMs: 1_000, maxEventsPerStream: 3 });
    const buffer = registry.create('tenant', 'agent');
    for (const text of ['1', '2', '3', '4', '5']) buffer.append(delta(text));
    expect(buffer.firstSeq).toBe(3);
    expect(buffer.frame(2)).toBeUndefined();
    expect(buffer.frame(5)).toContain('"text":"5"');
    registry.close();
  });

  it("finds a stream only for its own tenant and agent", () => {
    const registry = createStreamRegistry({ replayWindowMs: 1_000, maxEventsPerStream: 10 });
    const buffer = registry.create('tenant-a', 'agent');
    expect(registry.find(buffer.streamId, 'tenant-a', 'agent')).toBe(buffer);
    expect(registry.find(buffer.streamId, 'tenant-b', 'agent')).toBeUndefined();
    expect(registry.find(buffer.streamId, 'tenant-a', 'other')).toBeUndefined();
    registry.close();
  });

  it('forgets a finished stream after the replay window, and keeps a running one', async () => {
    const registry = createStreamRegistry({ replayWindowMs: 20, maxEventsPerStream: 10 });
    const finished = registry.create('t', 'a');
    const live = registry.create('t', 'a');
    finished.end();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(registry.find(finished.streamId, 't', 'a')).toBeUndefined();
    expect(registry.find(live.streamId, 't', 'a')).toBe(live);
    registry.close();
  });

  it('tells watchers about each event and the end', () => {
    const registry = createStreamRegistry({ replayWindowMs: 0, maxEventsPerStream: 10 });
    const buffer = registry.create('t', 'a');
    let calls = 0;
    buffer.watch(() => calls++);
    buffer.append(delta('x'));
    buffer.end();
    buffer.append(delta('ignored after the end'));
    expect(calls).toBe(2);
    expect(buffer.lastSeq).toBe(1);
    expect(registry.size).toBe(0);
  });
});

describe('parseEventId', () => {
  it('splits <streamId>.<seq> and refuses other shapes', () => {
    expect(parseEventId('str_abc.12')).toEqual({ streamId: 'str_abc', seq: 12 });
    for (const bad of ['str_abc', '.3', 'str_abc.', 'str_abc.-1', 'str_abc.1e3', 'str_abc.01', 'str_abc.99999999999999999']) {
      expect(parseEventId(bad)).toBeUndefined();
    }
  });
});

describe('createStreamRegistry bounds', () => {
  it('reserves places up to maxRunning; a place frees when its stream ends or is released unused', () => {
    const registry = createStreamRegistry({ replayWindowMs: 1_000, maxEventsPerStream: 10, maxRunning: 2 });
    expect(registry.reserve()).toBe(true);
    expect(registry.reserve()).toBe(true);
    expect(registry.reserve()).toBe(false);
    const stream = registry.create('t', 'a');
    registry.release();
    expect(registry.running).toBe(1);
    expect(registry.reserve()).toBe(true);
    expect(registry.reserve()).toBe(false);
    stream.end();
    expect(registry.running).toBe(1);
    expect(registry.reserve()).toBe(true);
    registry.close();
  });

  it('keeps at most maxRetained finished streams, forgetting the one that finished first, and never a running one', () => {
    const registry = createStreamRegistry({ replayWindowMs: 60_000, maxEventsPerStream: 10, maxRetained: 1 });
    const live = registry.create('t', 'a');
    const first = registry.create('t', 'a');
    const second = registry.create('t', 'a');
    first.end();
    second.end();
    expect(registry.find(first.streamId, 't', 'a')).toBeUndefined();
    expect(registry.find(second.streamId, 't', 'a')).toBe(second);
    expect(registry.find(live.streamId, 't', 'a')).toBe(live);
    expect({ running: registry.running, retained: registry.retained, evicted: registry.evicted }).toEqual({ running: 1, retained: 1, evicted: 1 });
    registry.close();
  });

  it('keeps no finished stream with maxRetained 0', () => {
    const registry = createStreamRegistry({ replayWindowMs: 60_000, maxEventsPerStream: 10, maxRetained: 0 });
    const stream = registry.create('t', 'a');
    stream.end();
    expect(registry.find(stream.streamId, 't', 'a')).toBeUndefined();
    expect(registry.size).toBe(0);
  });
});
