// Runs first in every npm script: on an unsupported Node, one clear line instead of a stack trace.
// Kept in plain JavaScript that any Node can parse.
var parts = process.versions.node.split('.').map(Number);
var ok = parts[0] > 22 || (parts[0] === 22 && parts[1] >= 12);
if (!ok) {
  console.error(
    'Agentry needs Node.js >= 22.12 (22 or 24 LTS); this is ' + process.version +
      '. Run `npm install` in the repository (it brings Node 24 for npm scripts) or install Node 24 (`nvm use`).'
  );
  process.exit(1);
}
