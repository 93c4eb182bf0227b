// @agentry/sdk — the public surface. Every line here is public API: adding one is a minor
// change, removing or changing one is a major change (see VERSIONING.md).
export * from './contract';
export {
  compose,
  defineTaskPack,
  isTaskPack,
  canonicalJson,
  type AgentEvent,
  type Invocation,
  type InvocationMode,
  type Middleware,
  type Next,
  type TaskPack,
  type TaskPackContext,
  type TaskPackDefinition,
  type TaskPackEvent,
  type TaskPackHandlerResult,
  type TaskPackLogger,
  type CacheControl,
} from './core';
export { createLocalModel, countTokens, type LocalModelOptions } from './providers/local-model';
export { createRuntime, type Runtime, type RuntimeOptions, type RuntimeCall, type RuntimeJobCall, type CostFunction } from './runtime';
export { createMemoryKeyValueStore, type KeyValueStore, type SetOptions, type MemoryKeyValueStoreOptions } from './stores';
export {
  createWebhookSecret,
  signWebhook,
  verifyWebhook,
  defaultWebhookToleranceSeconds,
  type VerifyWebhookOptions,
  type WebhookHeaders,
} from './webhooks';
export {
  createClient,
  type AgentryClient,
  type AgentStream,
  type CallOptions,
  type ClientOptions,
  type JobHandle,
  type JobWaitOptions,
  type LocalClientOptions,
  type RemoteClientOptions,
  type RuntimeClientOptions,
  type SubmitOptions,
} from './client';
export type { HttpTransportOptions } from './transports/http';
export { backoffDelay, parseRetryAfter, type RetryOptions } from './core/backoff';
export {
  governanceMiddleware,
  loadPolicy,
  policyRuleSetSchema,
  isAllowedByTier,
  toolAccessStateKey,
  detectPii,
  piiTypes,
  redactPii,
  redactionMarker,
  createStreamingRedactor,
  redactingLogger,
  createAuditTrail,
  verifyAuditChain,
  hashAuditEntry,
  genesisHash,
  type GovernanceOptions,
  type Tiers,
  type TierAccess,
  type ToolAccessCheck,
  type DenyRule,
  type PolicyFunction,
  type PolicyDecision,
  type PolicyContext,
  type PolicyRuleSet,
  type PiiType,
  type PiiFinding,
  type DetectPiiOptions,
  type PiiCounts,
  type PiiRedaction,
  type StreamingRedactor,
  type StreamingRedactorOptions,
  type AuditRecord,
  type AuditEntry,
  type AuditStage,
  type AuditTrail,
  type AuditTrailOptions,
  type AuditAppendLog,
  type AuditChainVerdict,
  type VerifyAuditChainOptions,
} from './middleware/governance';
export {
  createMemoryCounterStore,
  createMemoryAppendLog,
  type CounterStore,
  type AppendLog,
  type AppendLogEntry,
  type MemoryCounterStoreOptions,
  type MemoryAppendLogOptions,
} from './stores';
export {
  cacheMiddleware,
  type CacheMiddleware,
  type CacheOptions,
  type CacheStats,
  type CacheTarget,
  type RevalidateVerdict,
} from './middleware/cache';
export * from './middleware/meter';
export * from './middleware/budget';
export * from './middleware/eval';
