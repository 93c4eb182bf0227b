import { describe, expect, it } from 'vitest';
import { compose } from './compose';
import type { AgentEvent, Invocation } from './invocation';
import type { Middleware } from './middleware';

const invocation = { agent: 'echo' } as Invocation;

function tracing(name: string, trace: string[]): Middleware {
  return {
    name,
    async *handle(call, next) {
      trace.push(`${name} in`);
      yield* next(call);
      trace.push(`${name} out`);
    },
  };
}

describe('compose', () => {
  it('runs the first middleware outermost: it sees the call first and the result last', async () => {
    const trace: string[] = [];
    const next = compose([tracing('a', trace), tracing('b', trace)], async function* () {
      trace.push('terminal');
    });
    for await (const _event of next(invocation));
    expect(trace).toEqual(['a in', 'b in', 'terminal', 'b out', 'a out']);
  });

  it('lets a middleware answer without calling next (short-circuit)', async () => {
    let called = false;
    const shortCircuit: Middleware = {
      name: 'cache',
      async *handle() {
        yield { type: 'text-delta', text: 'cached' };
      },
    };
    const next = compose([shortCircuit], async function* () {
      called = true;
    });
    const events: AgentEvent[] = [];
    for await (const event of next(invocation)) events.push(event);
    expect(events).toEqual([{ type: 'text-delta', text: 'cached' }]);
    expect(called).toBe(false);
  });

  it('with no middleware is the terminal itself', () => {
    const terminal = async function* (): AsyncGenerator<AgentEvent> {};
    expect(compose([], terminal)).toBe(terminal);
  });
});
