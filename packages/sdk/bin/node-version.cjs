'use strict';
// Plain CommonJS any Node can parse, so an unsupported Node gets one clear line, not a stack trace.

/** The message for an unsupported Node version, or undefined when `version` (e.g. "20.11.0") is supported. */
function unsupportedNodeMessage(version) {
  var parts = String(version).replace(/^v/, '').split('.').map(Number);
  if (parts[0] > 22 || (parts[0] === 22 && parts[1] >= 12)) return undefined;
  return (
    'agentry: Node.js >= 22.12 is required (22 or 24 LTS); this is v' + String(version).replace(/^v/, '') +
    '. Install Node 24 (for example `nvm install 24`) and run the command again.'
  );
}

module.exports = { unsupportedNodeMessage: unsupportedNodeMessage };
