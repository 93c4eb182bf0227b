/**
 * What the project-tracker pack touches, in the shape of a manifest's `capabilities` block so
 * declaring it is one line: GitHub's API host, no tools, no model. A pack created with another
 * `baseUrl` declares that URL's host instead (see {@link trackerCapabilities}).
 */
export const projectTrackerCapabilities = {
  tools: [],
  network: { hosts: ['api.github.com'] },
  model: false,
} as const;

/**
 * The capabilities of a pack that talks to the tracker at `baseUrl`: only that URL's host
 * (`new URL(baseUrl).host`, so a non-default port is part of it), no tools, no model. `ctx.fetch`
 * then refuses every other host with AGENTRY_CAPABILITY_DENIED, redirects included.
 *
 * @example
 * trackerCapabilities('https://ghe.example.com/api/v3'); // { tools: [], network: { hosts: ['ghe.example.com'] }, model: false }
 */
export function trackerCapabilities(baseUrl: string): { tools: []; network: { hosts: [string] }; model: false } {
  return { tools: [], network: { hosts: [new URL(baseUrl).host] }, model: false };
}
