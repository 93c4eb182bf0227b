import { describe, expect, it } from 'vitest';
import { parseImage } from './parse-image';
import { cpuMillicores, memoryBytes } from './quantity';

describe('Kubernetes quantities', () => {
  it('reads CPU as millicores', () => {
    expect(['250m', '1', '1.5', '0.1', '4000m'].map(cpuMillicores)).toEqual([250, 1_000, 1_500, 100, 4_000]);
    expect(cpuMillicores('1 core')).toBeNaN();
  });

  it('reads memory with binary and decimal suffixes as bytes', () => {
    expect(['512Mi', '1Gi', '1G', '128974848', '1.5Gi'].map(memoryBytes)).toEqual([
      536_870_912, 1_073_741_824, 1e9, 128_974_848, 1_610_612_736,
    ]);
    expect(memoryBytes('1GB')).toBeNaN();
  });
});

describe('parseImage', () => {
  it('splits registry, repository, tag and digest as container runtimes do', () => {
    expect(parseImage('ghcr.io/acme/api:1.2.3')).toEqual({
      registry: 'ghcr.io',
      repository: 'ghcr.io/acme/api',
      tag: '1.2.3',
      digest: undefined,
    });
    expect(parseImage('localhost:5000/api')).toEqual({
      registry: 'localhost:5000',
      repository: 'localhost:5000/api',
      tag: undefined,
      digest: undefined,
    });
    expect(parseImage('nginx')).toEqual({ registry: undefined, repository: 'nginx', tag: undefined, digest: undefined });
    expect(parseImage(`acme/api:1@sha256:${'a'.repeat(64)}`)).toMatchObject({
      registry: undefined,
      tag: '1',
      digest: `sha256:${'a'.repeat(64)}`,
    });
  });
});
