import { matchesNamePattern } from './name-pattern';

/** What one tier may use. An absent list allows everything of that kind. */
export interface TierAccess {
  /** Agent ids (or `*` globs) the tier may invoke. @default every agent */
  agents?: readonly string[];
  /** Tool names (or `*` globs) the tier's agents may call. @default every tool */
  tools?: readonly string[];
}

/** Tiers by name, e.g. `{ free: { agents: ['echo'] }, pro: {} }`. */
export type Tiers = Readonly<Record<string, TierAccess>>;

/**
 * Whether `tier` may use the agent or tool `name`. A tier that is not in `tiers` (or no tier at
 * all) may use nothing: access fails closed.
 */
export function isAllowedByTier(tiers: Tiers, tier: string | undefined, kind: 'agents' | 'tools', name: string): boolean {
  if (tier === undefined || !Object.hasOwn(tiers, tier)) return false;
  return matchesNamePattern(tiers[tier]![kind], name);
}

export { minTierStateKey, toolAccessStateKey, type MinTierCheck, type ToolAccessCheck } from '../../core/tool-access';
