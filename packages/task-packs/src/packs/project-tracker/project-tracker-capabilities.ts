/**
 * What the project-tracker pack touches, in the shape of a manifest's `capabilities` block so
 * declaring it is one line: the tracker's API host (GitHub's by default; with a custom `baseUrl`,
 * its `new URL(baseUrl).host` instead), no tools, no model.
 */
export const projectTrackerCapabilities = {
  tools: [],
  network: { hosts: ['api.github.com'] },
  model: false,
} as const;
