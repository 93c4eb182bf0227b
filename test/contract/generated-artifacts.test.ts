import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorsDocPath, renderErrorsMarkdown, renderJsonSchemas, schemasDir } from '../../scripts/contract-artifacts';

describe('generated contract artifacts', () => {
  it('docs/errors.md equals what the error catalogue renders (run `npm run generate` to update)', () => {
    expect(readFileSync(errorsDocPath, 'utf8')).toBe(renderErrorsMarkdown());
  });

  it('the committed JSON Schemas equal what the zod schemas render (run `npm run generate` to update)', () => {
    const rendered = renderJsonSchemas();
    const committed = readdirSync(schemasDir).filter((file) => file.endsWith('.schema.json') && file in rendered);
    expect(committed.sort()).toEqual(Object.keys(rendered).sort());
    for (const [file, text] of Object.entries(rendered)) expect(readFileSync(join(schemasDir, file), 'utf8'), file).toBe(text);
  });
});
