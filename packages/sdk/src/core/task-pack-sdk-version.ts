/**
 * The version of this SDK, checked against a pack's `sdk` range when the pack is defined. A test
 * keeps it equal to packages/sdk/package.json, so a release that bumps one must bump both.
 */
export const sdkVersion = '0.1.0';
