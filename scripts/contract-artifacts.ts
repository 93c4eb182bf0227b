// Renders the artifacts generated from the contract: docs/errors.md from the error catalogue and
// the JSON Schemas of every agentry.v1 body. `npm run generate` writes them; a test keeps the
// committed files equal to what this renders.
import { z } from 'zod';
import {
  agentListSchema,
  agentManifestSchema,
  errorCatalogue,
  errorEnvelopeSchema,
  invokeRequestSchema,
  invokeResultSchema,
  jobCreateRequestSchema,
  jobSchema,
  jobWebhookPayloadSchema,
  streamEventSchema,
  usageReportSchema,
  usageSchema,
} from '../packages/sdk/src/contract';

export const errorsDocPath = 'docs/errors.md';
export const schemasDir = 'packages/sdk/schemas';

export function renderErrorsMarkdown(): string {
  const rows = Object.entries(errorCatalogue).map(
    ([code, entry]) => `| \`${code}\` | ${entry.status} | ${entry.retryable ? 'yes' : 'no'} | ${entry.summary} | ${entry.hint.replaceAll('|', '\\|')} |`,
  );
  return [
    '# Error catalogue',
    '',
    '<!-- Generated from packages/sdk/src/contract/error-catalogue.ts by `npm run generate`. Do not edit by hand. -->',
    '',
    'Every failure in Agentry is an `AgentryError` with a stable `code` from this table. Over HTTP it is',
    'sent as `{ "error": { "code", "message", "hint", "requestId" } }` with the status below. Codes are',
    'never renamed or reused; new codes may be added in minor releases.',
    '',
    '`retryable` says whether the same request can succeed later; the client retries those on its own',
    '(honouring `Retry-After`) and never retries the others.',
    '',
    '| code | HTTP | retryable | meaning | what to do |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

const wireSchemas: Record<string, z.ZodType> = {
  'invoke-request': invokeRequestSchema,
  'invoke-result': invokeResultSchema,
  'stream-event': streamEventSchema,
  'job-create-request': jobCreateRequestSchema,
  job: jobSchema,
  'job-webhook-payload': jobWebhookPayloadSchema,
  usage: usageSchema,
  'usage-report': usageReportSchema,
  'agent-manifest': agentManifestSchema,
  'agent-list': agentListSchema,
  'error-envelope': errorEnvelopeSchema,
};

/** File name -> JSON text of each wire body's JSON Schema (draft 2020-12). */
export function renderJsonSchemas(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, schema] of Object.entries(wireSchemas)) {
    const json = {
      $id: `https://agentry.dev/schemas/agentry.v1/${name}.schema.json`,
      ...z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any' }),
    };
    files[`${name}.schema.json`] = `${JSON.stringify(json, null, 2)}\n`;
  }
  return files;
}
