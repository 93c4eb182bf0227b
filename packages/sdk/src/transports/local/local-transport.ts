import type { Runtime } from '../../runtime/runtime';
import type { ClientTransport, TransportCall } from '../transport';

/**
 * Calls a Runtime in-process: no HTTP, same results and event shapes as the server returns.
 * `ownsRuntime` decides whether close() drains it.
 */
export function createLocalTransport(runtime: Runtime, tenant: string, ownsRuntime: boolean): ClientTransport {
  const toRuntimeCall = (call: TransportCall) => ({ ...call, tenant });
  return {
    kind: 'local',
    pollIntervalMs: 5,
    invoke: (call) => runtime.invoke(toRuntimeCall(call)),
    async *stream(call) {
      for await (const event of runtime.stream(toRuntimeCall(call))) yield [event];
    },
    submit: (call) => runtime.submit(toRuntimeCall(call)),
    getJob: (jobId) => runtime.getJob(tenant, jobId),
    cancelJob: (jobId) => runtime.cancelJob(tenant, jobId),
    agents: async () => runtime.agents(),
    async close() {
      if (ownsRuntime) await runtime.drain();
    },
  };
}
