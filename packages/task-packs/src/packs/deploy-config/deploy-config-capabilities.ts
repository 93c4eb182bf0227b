/**
 * What the deploy-config pack touches, in the shape of a manifest's `capabilities` block so
 * declaring it is one line: nothing outside the process. It renders values; applying them to a
 * cluster is the caller's job.
 */
export const deployConfigCapabilities = {
  tools: [],
  network: { hosts: [] },
  model: false,
} as const;
