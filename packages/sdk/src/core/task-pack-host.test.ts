import { describe, expect, it } from 'vitest';
import type { AgentEvent, Invocation } from './invocation';
import { compose } from './compose';
import { readTaskPackHost, taskPackHost, taskPackHostKey, toolProviderFromFunctions } from './task-pack-host';
import type { TaskPackTool, TaskPackToolContext } from './task-pack-capabilities';

const invocation = () => ({ state: new Map(), tenant: 'acme' }) as unknown as Invocation;
const tool = (name: string) => ({ name }) as TaskPackTool;
const context = { pack: { id: 'p', version: '1.0.0' } } as TaskPackToolContext;

describe('taskPackHost', () => {
  it('merges host services across middleware: inner tools first, every sink, innermost fetch', async () => {
    const seenBy: string[] = [];
    const outerFetch = async () => new Response('outer');
    const innerFetch = async () => new Response('inner');
    const outer = taskPackHost({
      tools: toolProviderFromFunctions({ a: () => 'outer-a', b: () => 'outer-b' }),
      telemetry: () => seenBy.push('outer'),
      fetch: outerFetch,
    });
    const inner = taskPackHost((call) => ({ tools: toolProviderFromFunctions({ a: () => `inner-a-${call.tenant}` }), telemetry: () => seenBy.push('inner'), fetch: innerFetch }));
    let host = readTaskPackHost(invocation());
    const run = compose([outer, inner], async function* (current): AsyncGenerator<AgentEvent> {
      host = readTaskPackHost(current);
    });
    const current = invocation();
    for await (const _event of run(current));
    expect(current.state.has(taskPackHostKey)).toBe(true);
    expect(host.tools!.provides(tool('b'), 'p@1.0.0')).toBe(true);
    expect(await host.tools!.call(tool('a'), {}, context)).toBe('inner-a-acme');
    expect(await host.tools!.call(tool('b'), {}, context)).toBe('outer-b');
    host.telemetry!({} as never);
    expect(seenBy).toEqual(['outer', 'inner']);
    expect(host.fetch).toBe(innerFetch);
  });

  it('uses a global symbol, so another copy of the SDK finds the services', () => {
    expect(taskPackHostKey).toBe(Symbol.for('agentry.task-pack-host'));
  });
});
