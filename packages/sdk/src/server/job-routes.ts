import { jobCreateRequestSchema } from '../contract';
import type { RuntimeJobCall } from '../runtime';
import { idempotencyKeyFrom } from './idempotency-key';
import { parseRequestBody } from './parse-request-body';
import { readJsonBody } from './read-json-body';
import { runtimeCallFrom } from './runtime-call';
import { sendJson } from './send-json';
import type { RequestContext, ServerContext } from './server-context';

/** `POST /v1/agents/{agent}/jobs`: queues the call and answers 202 with the job. */
export async function createJobRoute(server: ServerContext, context: RequestContext, agent: string): Promise<void> {
  const idempotencyKey = idempotencyKeyFrom(context.request.headers['idempotency-key']);
  const body = parseRequestBody(jobCreateRequestSchema, await readJsonBody(context.request, server.options.maxBodyBytes), `jobs ${agent}`);
  const call: RuntimeJobCall = runtimeCallFrom(body, agent, context, idempotencyKey);
  if (body.webhook !== undefined) call.webhook = { url: body.webhook.url };
  const job = await server.runtime.submit(call);
  sendJson(context.response, 202, job, context.requestId);
}

/** `GET /v1/jobs/{id}`: the job, if it belongs to the caller's tenant (404 otherwise). */
export async function getJobRoute(server: ServerContext, context: RequestContext, jobId: string): Promise<void> {
  sendJson(context.response, 200, await server.runtime.getJob(context.tenant, jobId), context.requestId);
}

/** `DELETE /v1/jobs/{id}`: cancels a queued or running job of the caller's tenant. */
export async function cancelJobRoute(server: ServerContext, context: RequestContext, jobId: string): Promise<void> {
  sendJson(context.response, 200, await server.runtime.cancelJob(context.tenant, jobId), context.requestId);
}
