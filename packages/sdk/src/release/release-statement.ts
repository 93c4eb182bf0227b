import { z } from 'zod';

/** DSSE payload type of an in-toto statement. */
export const inTotoPayloadType = 'application/vnd.in-toto+json';

/** `_type` of an in-toto v1 statement. */
export const inTotoStatementType = 'https://in-toto.io/Statement/v1';

/**
 * Predicate type of an Agentry release attestation: which SBOM describes the subject tarball and
 * which commit it was built from. Documented in docs/releasing.md.
 */
export const releasePredicateType = 'https://agentry.dev/attestations/release/v1';

const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`), `must be ${length} lowercase hex digits`);

/** The predicate of a release attestation. */
export const releasePredicateSchema = z.object({
  package: z.object({ name: z.string().min(1), version: z.string().min(1), purl: z.string().min(1) }),
  sbom: z.object({
    /** File name of the SBOM in the release folder. */
    name: z.string().min(1),
    mediaType: z.string().min(1),
    specVersion: z.string().min(1),
    digest: z.object({ sha256: hex(64) }),
  }),
  build: z.object({
    /** Full commit hash the release was built from. */
    commit: z.string().min(7),
    /** `dirty` when the working tree had uncommitted changes: the commit alone does not reproduce it. */
    treeState: z.enum({ clean: 'clean', dirty: 'dirty' }),
    /** What produced the release, e.g. `agentry release:dry`. */
    builder: z.string().min(1),
  }),
});

/** The in-toto v1 statement an Agentry release bundle signs. */
export const releaseStatementSchema = z.object({
  _type: z.literal(inTotoStatementType),
  subject: z
    .array(z.object({ name: z.string().min(1), digest: z.object({ sha256: hex(64), sha512: hex(128).optional() }) }))
    .length(1, 'a release statement has exactly one subject: the package tarball'),
  predicateType: z.literal(releasePredicateType),
  predicate: releasePredicateSchema,
});

/** The in-toto v1 statement an Agentry release bundle signs. */
export type ReleaseStatement = z.infer<typeof releaseStatementSchema>;

/** What a release statement is built from. */
export interface ReleaseStatementInput {
  name: string;
  version: string;
  tarball: { sha256: string; sha512: string };
  sbom: { name: string; sha256: string; specVersion: string };
  commit: string;
  treeState: 'clean' | 'dirty';
  builder: string;
}

/** The package URL of an npm package, e.g. `pkg:npm/%40agentry/sdk@0.1.0` (as npm provenance names subjects). */
export function npmPurl(name: string, version: string): string {
  return `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
}

/** Builds the statement: the tarball is the subject, the SBOM digest and the commit are the predicate. */
export function buildReleaseStatement(input: ReleaseStatementInput): ReleaseStatement {
  const purl = npmPurl(input.name, input.version);
  return {
    _type: inTotoStatementType,
    subject: [{ name: purl, digest: { sha256: input.tarball.sha256, sha512: input.tarball.sha512 } }],
    predicateType: releasePredicateType,
    predicate: {
      package: { name: input.name, version: input.version, purl },
      sbom: { name: input.sbom.name, mediaType: 'application/vnd.cyclonedx+json', specVersion: input.sbom.specVersion, digest: { sha256: input.sbom.sha256 } },
      build: { commit: input.commit, treeState: input.treeState, builder: input.builder },
    },
  };
}
