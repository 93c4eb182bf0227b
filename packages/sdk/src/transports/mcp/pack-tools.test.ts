import { describe, expect, it } from 'vitest';
import { forMcpClients } from './pack-tools';

describe('tool schemas as MCP clients read them', () => {
  // Regression: the official MCP client validates structured results with a draft-07 validator,
  // which refused knowledge-search's `lines: [start, end]` tuple written in 2020-12 form.
  it('rewrites 2020-12 tuples into the draft-07 form at any depth, and drops the dialect', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { passages: { type: 'array', items: { type: 'object', properties: { lines: { type: 'array', prefixItems: [{ type: 'integer' }, { type: 'integer' }], items: false } } } } },
    };
    expect(forMcpClients(schema)).toEqual({
      type: 'object',
      properties: {
        passages: { type: 'array', items: { type: 'object', properties: { lines: { type: 'array', items: [{ type: 'integer' }, { type: 'integer' }], additionalItems: false } } } },
      },
    });
  });
});
