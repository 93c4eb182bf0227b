import { AgentryError } from '../../contract';

/** Who is calling over MCP: the tenant the calls are billed and isolated to, and its tier. */
export interface McpCaller {
  tenant: string;
  /** Tier name, compared with each pack's `capabilities.minTier` by position in `tiers`. */
  tier?: string;
  /** The end user or system, for metering and sticky experiments. */
  subject?: string;
}

/** Tier names, lowest first, when none are configured. */
export const defaultMcpTiers = ['free', 'pro', 'enterprise'] as const;

/**
 * Whether `caller` may use a pack that requires `minTier`. A pack without `minTier` is open to
 * all; a caller without a tier may use only those.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` when `minTier` is not one of `tiers` (a configuration error, not a refusal).
 */
export function tierAllows(caller: McpCaller, minTier: string | undefined, tiers: readonly string[]): boolean {
  if (minTier === undefined) return true;
  const required = tiers.indexOf(minTier);
  if (required < 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `MCP bridge: a pack requires tier "${minTier}", which is not one of the tiers ${tiers.join(', ')}`, {
      hint: 'List every tier the packs name in the `tiers` option, lowest first.',
    });
  }
  const held = caller.tier === undefined ? -1 : tiers.indexOf(caller.tier);
  return held >= required;
}
