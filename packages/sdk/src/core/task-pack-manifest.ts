import { z } from 'zod';
import {
  agentManifestSchema,
  capabilitiesManifestSchema,
  limitsManifestSchema,
  telemetryManifestSchema,
  type AgentManifest,
} from '../contract';

/**
 * The manifest of a task pack defined with specification v1, as {@link defineTaskPack} publishes
 * it: the agent manifest of `GET /v1/agents` with every v1 field present (`sdk` stays optional).
 * Tools outside TypeScript validate against its JSON Schema, packages/sdk/schemas/task-pack-manifest.schema.json.
 */
export const taskPackManifestSchema = agentManifestSchema.extend({
  specificationVersion: z.literal('v1'),
  capabilities: capabilitiesManifestSchema,
  telemetry: telemetryManifestSchema,
  limits: limitsManifestSchema,
  deterministic: z.boolean(),
});
export type TaskPackManifest = z.infer<typeof taskPackManifestSchema>;

/** The `$id` of the published manifest JSON Schema. */
export const taskPackManifestSchemaId = 'https://agentry.dev/schemas/task-pack/v1/task-pack-manifest.schema.json';

/** The JSON Schema (draft 2020-12) of a v1 task-pack manifest, generated from {@link taskPackManifestSchema}. */
export function taskPackManifestJsonSchema(): Record<string, unknown> {
  return {
    $id: taskPackManifestSchemaId,
    title: 'Agentry task-pack manifest (specification v1)',
    description: 'What a task pack publishes about itself: identity, JSON Schemas of its input and output, capabilities, telemetry contract, limits and compatible SDK range. See docs/manifest.md.',
    ...(z.toJSONSchema(taskPackManifestSchema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>),
  };
}

/** The text of packages/sdk/schemas/task-pack-manifest.schema.json (scripts/generate-manifest-schema.ts writes it). */
export function renderTaskPackManifestSchema(): string {
  return `${JSON.stringify(taskPackManifestJsonSchema(), null, 2)}\n`;
}

/** Parses a manifest as a v1 task-pack manifest; `issues` name each failing path. */
export function validateTaskPackManifest(
  manifest: unknown,
): { success: true; manifest: TaskPackManifest } | { success: false; issues: { path: string; message: string }[] } {
  const parsed = taskPackManifestSchema.safeParse(manifest);
  if (parsed.success) return { success: true, manifest: parsed.data };
  return { success: false, issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })) };
}

/** True when `manifest` carries the v1 task-pack fields (it was defined with a v1 SDK). */
export function isTaskPackManifest(manifest: AgentManifest): manifest is TaskPackManifest {
  return taskPackManifestSchema.safeParse(manifest).success;
}
