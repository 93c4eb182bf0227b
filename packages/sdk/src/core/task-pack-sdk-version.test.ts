import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sdkVersion } from './task-pack-sdk-version';

describe('sdkVersion', () => {
  it('equals the version in packages/sdk/package.json, so `sdk` ranges are checked against the real release', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(sdkVersion).toBe(manifest.version);
  });
});
