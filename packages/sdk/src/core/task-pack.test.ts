import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTaskPack, isTaskPack } from './task-pack';

const base = {
  id: 'echo',
  version: '1.0.0',
  description: 'Echo.',
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  handler: (input: { text: string }) => input,
};

describe('defineTaskPack', () => {
  it('publishes a manifest with JSON Schemas of input and output', () => {
    const pack = defineTaskPack(base);
    expect(isTaskPack(pack)).toBe(true);
    expect(pack.manifest).toMatchObject({ id: 'echo', version: '1.0.0', streaming: false });
    expect(pack.manifest.inputSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
  });

  it.each([
    ['id', { id: 'Bad Id' }, /`id`/],
    ['version', { version: '1.0' }, /`version` must be a semantic version/],
    ['input', { input: { parse() {} } }, /`input` must be a zod schema/],
    ['handler', { handler: 'nope' }, /`handler` must be a function/],
  ])('refuses a bad %s with AGENTRY_INVALID_OPTIONS naming the field', (_field, change, message) => {
    expect(() => defineTaskPack({ ...base, ...change } as never)).toThrow(message);
    expect(() => defineTaskPack({ ...base, ...change } as never)).toThrow(expect.objectContaining({ code: 'AGENTRY_INVALID_OPTIONS' }));
  });
});
