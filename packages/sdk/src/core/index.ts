export * from './invocation';
export * from './middleware';
export * from './compose';
export * from './task-pack';
export * from './types';
export { createId } from './ids';
export { canonicalJson } from './canonical-json';
export { silentLogger } from './logger';
export { backoffDelay, parseRetryAfter, resolveRetryOptions, sleep, type RetryOptions, type ResolvedRetryOptions } from './backoff';
export { linkAbort } from './linked-abort';
export { taskPackHost, taskPackHostKey, readTaskPackHost, toolProviderFromFunctions, type TaskPackHost, type TaskPackToolProvider } from './task-pack-host';
export type {
  TaskPackToolDefinition,
  TaskPackToolContext,
  TaskPackCapabilitiesDefinition,
  ResolvedTaskPackCapabilities,
  TaskPackTool,
  TaskPackFetch,
} from './task-pack-capabilities';
export type {
  TaskPackTelemetry,
  TaskPackTelemetryDefinition,
  TaskPackMetricDefinition,
  ResolvedTaskPackTelemetry,
  TaskPackTelemetryRecord,
  TaskPackTelemetrySink,
} from './task-pack-telemetry';
export {
  taskPackManifestSchema,
  taskPackManifestJsonSchema,
  taskPackManifestSchemaId,
  validateTaskPackManifest,
  isTaskPackManifest,
  type TaskPackManifest,
} from './task-pack-manifest';
export { capabilityDenied, type CapabilityDenial, type TaskPackCapabilityKind } from './task-pack-capability-denied';
export { sdkVersion } from './task-pack-sdk-version';
