#!/usr/bin/env node
'use strict';
var message = require('./node-version.cjs').unsupportedNodeMessage(process.versions.node);
if (message) {
  console.error(message);
  process.exit(1);
}
import('../dist/cli.js').then(
  function (cli) { return cli.main(process.argv.slice(2)); },
  function (error) {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
      console.error('agentry: the package is not built (dist/cli.js missing). Run `npm run build`.');
      process.exit(1);
    }
    throw error;
  }
);
