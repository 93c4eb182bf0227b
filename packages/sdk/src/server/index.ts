// @agentry/sdk/server — the runtime HTTP server (Node only). Every export here is public API.
export { createServer, type AgentryServer, type ListenOptions, type CloseOptions } from './create-server';
export type { ServerOptions, ApiKeys, ApiKeyIdentity } from './server-options';
export type { MetricsOptions } from './metrics-options';
export type { UsageOptions } from './usage-options';
export { createInvocationObserver, type InvocationObserver } from './invocation-observer';
export { createJsonlAuditSink, type JsonlAuditSink } from '../middleware/governance/audit/jsonl-audit-sink';
export { createJsonLinesUsageSink, type JsonLinesUsageSinkOptions } from '../middleware/meter/json-lines-usage-sink';
