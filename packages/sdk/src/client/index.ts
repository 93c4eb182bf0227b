export { createClient, type AgentryClient, type ClientOptions, type RemoteClientOptions, type LocalClientOptions, type RuntimeClientOptions } from './create-client';
export type { AgentStream } from './agent-stream';
export type { JobHandle } from './job-handle';
export type { CallOptions, SubmitOptions, JobWaitOptions } from './call-options';
