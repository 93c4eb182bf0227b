import { AgentryError, agentryErrorFromWire, finalJobStatuses, type InvokeResult, type Job } from '../contract';
import { sleep } from '../core/backoff';
import type { ClientTransport } from '../transports/transport';
import type { JobWaitOptions } from './call-options';

/** A submitted job: read its status, wait for its result, or cancel it. */
export interface JobHandle<Output = unknown> {
  readonly id: string;
  /** The job as the host sees it now. */
  status(options?: { signal?: AbortSignal }): Promise<Job>;
  /**
   * Polls with growing intervals until the job ends; resolves with its result.
   * @throws AgentryError the job's own error when it failed, AGENTRY_CANCELLED when cancelled
   */
  result(options?: JobWaitOptions): Promise<InvokeResult<Output>>;
  /** Cancels the job. @throws AGENTRY_JOB_FINISHED when it already ended */
  cancel(options?: { signal?: AbortSignal }): Promise<Job>;
}

export function createJobHandle<Output>(transport: ClientTransport, jobId: string): JobHandle<Output> {
  return {
    id: jobId,
    status: (options) => transport.getJob(jobId, options?.signal),
    cancel: (options) => transport.cancelJob(jobId, options?.signal),
    async result(options = {}) {
      const limit = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
      const signal = limit && options.signal ? AbortSignal.any([limit, options.signal]) : (limit ?? options.signal);
      let interval = options.pollIntervalMs ?? transport.pollIntervalMs;
      const maxInterval = options.maxPollIntervalMs ?? 5_000;
      try {
        for (;;) {
          const job = await transport.getJob(jobId, signal);
          if (finalJobStatuses.includes(job.status)) return outcome<Output>(job);
          await sleep(interval, signal);
          interval = Math.min(maxInterval, Math.ceil(interval * 1.5));
        }
      } catch (error) {
        if (limit?.aborted && !options.signal?.aborted) {
          throw new AgentryError('AGENTRY_TIMEOUT', `waiting for job ${jobId} timed out after ${options.timeoutMs} ms`, {
            cause: error,
            hint: 'The job keeps running; call result() again or raise timeoutMs.',
          });
        }
        if (signal?.aborted && !(error instanceof AgentryError)) {
          throw new AgentryError('AGENTRY_CANCELLED', `waiting for job ${jobId} cancelled`, { cause: error });
        }
        throw error;
      }
    },
  };
}

function outcome<Output>(job: Job): InvokeResult<Output> {
  if (job.status === 'succeeded' && job.result !== undefined) return job.result as InvokeResult<Output>;
  if (job.error !== undefined) throw agentryErrorFromWire(job.error);
  throw new AgentryError('AGENTRY_PROTOCOL_ERROR', `job ${job.jobId} ended ${job.status} without a result or error`);
}
