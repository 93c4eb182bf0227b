// The npm scripts of the release tooling, as they must appear in the root package.json. The
// workflow test holds package.json and the workflows to this list.

/** Script name → command. */
export const releaseScripts = {
  'release:dry': 'node scripts/require-node.mjs && tsx scripts/release/release-dry.ts',
  'release:version': 'changeset version && npm install --package-lock-only --ignore-scripts',
  'release:publish': 'tsx scripts/release/publish.ts',
  evidence: 'tsx scripts/release/evidence.ts',
  'api:check': 'npm run build --silent && tsx scripts/release/api-check.ts',
  'api:update': 'npm run build --silent && tsx scripts/release/api-check.ts --update',
  'changeset:check': 'tsx scripts/release/changeset-check.ts',
  'compat:generate': 'tsx scripts/release/compat-matrix.ts',
} as const;
