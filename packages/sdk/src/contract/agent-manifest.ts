import { z } from 'zod';
import { agentIdSchema, semverSchema } from './invocation';

/** What a hosted agent (task pack) publishes about itself in `GET /v1/agents`. */
export const agentManifestSchema = z.object({
  id: agentIdSchema,
  version: semverSchema,
  description: z.string(),
  /** JSON Schema (draft 2020-12) of the input. */
  inputSchema: z.record(z.string(), z.unknown()),
  /** JSON Schema (draft 2020-12) of the output. */
  outputSchema: z.record(z.string(), z.unknown()),
  /** Whether the agent streams text as it works. */
  streaming: z.boolean(),
});
export type AgentManifest = z.infer<typeof agentManifestSchema>;

/** Body of `GET /v1/agents`. */
export const agentListSchema = z.object({ agents: z.array(agentManifestSchema) });
export type AgentList = z.infer<typeof agentListSchema>;
