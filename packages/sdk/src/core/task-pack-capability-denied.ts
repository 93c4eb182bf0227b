import { AgentryError } from '../contract';

/** The kinds of capability a manifest grants. */
export type TaskPackCapabilityKind = 'tool' | 'network' | 'model' | 'event' | 'metric';

/** What a refusal names: the pack, the capability and how to fix it. */
export interface CapabilityDenial {
  /** `id@version` of the pack. */
  pack: string;
  capability: TaskPackCapabilityKind;
  /** The tool, host, event or metric asked for (`model` for the model). */
  name: string;
  /** The one change that makes the call legal. */
  fix: string;
  /** Why, when the capability is declared but still unusable. @default 'its manifest does not declare it' */
  reason?: string;
}

const nouns: Record<TaskPackCapabilityKind, string> = {
  tool: 'call tool',
  network: 'reach host',
  model: 'use',
  event: 'emit event',
  metric: 'record metric',
};

/**
 * The AgentryError a pack gets for touching what its manifest does not grant. The message names
 * pack, capability and fix, since it is often the only text a pack author sees.
 *
 * @example
 * throw capabilityDenied({ pack: 'echo@1.0.0', capability: 'metric', name: 'hits_total', fix: 'add "hits_total" to telemetry.metrics' });
 */
export function capabilityDenied(denial: CapabilityDenial): AgentryError {
  const target = denial.capability === 'model' ? 'the model' : `"${denial.name}"`;
  const reason = denial.reason ?? 'its manifest does not declare it';
  return new AgentryError(
    'AGENTRY_CAPABILITY_DENIED',
    `task pack ${denial.pack} may not ${nouns[denial.capability]} ${target}: ${reason}. Fix: ${denial.fix}.`,
    {
      hint: `${capitalise(denial.fix)}.`,
      details: { pack: denial.pack, capability: denial.capability, name: denial.name },
    },
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
