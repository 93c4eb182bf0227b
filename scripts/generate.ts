// Writes every generated artifact. Run with `npm run generate` after changing the contract.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorsDocPath, renderErrorsMarkdown, renderJsonSchemas, schemasDir } from './contract-artifacts';

writeFileSync(errorsDocPath, renderErrorsMarkdown());
mkdirSync(schemasDir, { recursive: true });
for (const [file, text] of Object.entries(renderJsonSchemas())) writeFileSync(join(schemasDir, file), text);
console.log(`wrote ${errorsDocPath} and ${Object.keys(renderJsonSchemas()).length} schemas in ${schemasDir}`);
