#!/usr/bin/env node
'use strict';
// Plain CommonJS any Node can parse, so an unsupported Node gets one clear line, not a stack trace.
var parts = process.versions.node.split('.').map(Number);
if (!(parts[0] > 22 || (parts[0] === 22 && parts[1] >= 12))) {
  console.error(
    'agentry-task-packs: Node.js >= 22.12 is required (22 or 24 LTS); this is ' + process.version +
      '. Install Node 24 (for example `nvm install 24`) and run the command again.'
  );
  process.exit(1);
}
import('../dist/generator.js').then(
  function (generator) { return generator.main(process.argv.slice(2)); },
  function (error) {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
      console.error('agentry-task-packs: the package is not built (dist/generator.js missing). Run `npm run build`.');
      process.exit(1);
    }
    throw error;
  }
);
