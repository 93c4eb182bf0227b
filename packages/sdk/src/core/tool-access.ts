/**
 * Key in `invocation.state` under which governance leaves `(tool: string) => boolean`, the
 * tier's tool check, so the runtime refuses a tool before running it (`ctx.tools.call`), not only
 * when its `tool-call` event passes. Absent when no `tiers` are configured.
 */
export const toolAccessStateKey: unique symbol = Symbol.for('agentry.governance.tool-access');

/** The value stored under {@link toolAccessStateKey}. */
export type ToolAccessCheck = (tool: string) => boolean;

/**
 * Key in `invocation.state` under which governance leaves `(minTier: string) => boolean`: whether
 * the caller's tier ranks at or above a pack's `capabilities.minTier`. The runtime refuses a pack
 * the caller's tier does not reach before it runs. Absent when no `tiers` are configured.
 */
export const minTierStateKey: unique symbol = Symbol.for('agentry.governance.min-tier');

/** The value stored under {@link minTierStateKey}. */
export type MinTierCheck = (minTier: string) => boolean;
