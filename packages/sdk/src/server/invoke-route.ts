import { AgentryError } from '../contract';
import { lentController, type RuntimeCallWithController } from '../runtime/runtime';
import { idempotencyKeyFrom } from './idempotency-key';
import { parseInvokeRequest } from './parse-request-body';
import { readJsonBody } from './read-json-body';
import { runtimeCallFrom } from './runtime-call';
import { sendJson } from './send-json';
import type { RequestContext, ServerContext } from './server-context';

/** `POST /v1/agents/{agent}/invoke`: runs the agent and answers 200 with its InvokeResult. */
export async function invokeRoute(server: ServerContext, context: RequestContext, agent: string): Promise<void> {
  const idempotencyKey = idempotencyKeyFrom(context.request.headers['idempotency-key']);
  const body = parseInvokeRequest(await readJsonBody(context.request, server.options.maxBodyBytes), 'invoke', agent);
  const call = runtimeCallFrom(body, agent, context, idempotencyKey);
  if (idempotencyKey === undefined) {
    // Nobody will read the result of a call whose client left: stop it and save the model's cost.
    // A call with an Idempotency-Key runs on, so the client's retry gets its result.
    const controller = new AbortController();
    const response = context.response;
    // 'close' comes once per response, so `on` (no per-request `once` wrapper).
    response.on('close', () => {
      if (!response.writableFinished) controller.abort(new AgentryError('AGENTRY_CANCELLED', `invoke ${agent} cancelled: the client disconnected`));
    });
    call.signal = controller.signal;
    // Ours alone, so the runtime may use it for the invocation rather than link one more to it.
    (call as RuntimeCallWithController)[lentController] = controller;
  }
  const result = await server.runtime.invoke(call);
  sendJson(context.response, 200, result, context.requestId);
}
