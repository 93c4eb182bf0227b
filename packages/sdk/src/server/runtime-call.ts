import type { InvokeRequest } from '../contract';
import type { RuntimeCall } from '../runtime';
import type { RequestContext } from './server-context';

/** The runtime call a request body asks for, under the request's tenant and id. */
export function runtimeCallFrom(body: InvokeRequest, agent: string, context: RequestContext, idempotencyKey?: string): RuntimeCall {
  const call: RuntimeCall = { agent, input: body.input, tenant: context.tenant, requestId: context.requestId };
  if (body.version !== undefined) call.version = body.version;
  if (body.subject !== undefined) call.subject = body.subject;
  if (body.metadata !== undefined) call.metadata = body.metadata;
  if (body.cache !== undefined) call.cache = body.cache;
  if (idempotencyKey !== undefined) call.idempotencyKey = idempotencyKey;
  return call;
}
