import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const { unsupportedNodeMessage } = createRequire(import.meta.url)('../../packages/sdk/bin/node-version.cjs') as {
  unsupportedNodeMessage(version: string): string | undefined;
};

describe('the Node version check of the agentry bin', () => {
  it.each(['20.20.2', '22.11.0', '18.19.0'])('refuses Node %s with one line naming the Node needed', (version) => {
    const message = unsupportedNodeMessage(version);
    expect(message).toBe(
      `agentry: Node.js >= 22.12 is required (22 or 24 LTS); this is v${version}. Install Node 24 (for example \`nvm install 24\`) and run the command again.`,
    );
  });

  it.each(['22.12.0', '22.20.1', '24.0.0', '26.1.0'])('accepts Node %s', (version) => {
    expect(unsupportedNodeMessage(version)).toBeUndefined();
  });
});
