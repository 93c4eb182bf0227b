// A CycloneDX 1.6 JSON SBOM per published package, made by cyclonedx-npm and post-processed so the
// package, not the workspace root, is the SBOM's subject. The post-processing is recorded in the
// SBOM itself (metadata.properties) and the result is validated again against the 1.6 schema.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { npmPurl } from '../../packages/sdk/src/release/release-statement';
import { runChecked } from './run-command';
import { repoRoot, type WorkspacePackage } from './workspace-packages';

/** CycloneDX spec version of every SBOM. */
export const sbomSpecVersion = '1.6';

/** The exact cyclonedx-npm arguments (besides --workspace and --output-file), as docs/releasing.md states them. */
export const cyclonedxArguments = ['--omit', 'dev', '--output-reproducible', '--validate', '--spec-version', sbomSpecVersion, '--output-format', 'JSON'] as const;

interface CdxComponent {
  'bom-ref'?: string;
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  licenses?: unknown[];
  components?: CdxComponent[];
  [key: string]: unknown;
}

/** The parts of a CycloneDX BOM the release scripts read. */
export interface CdxBom {
  bomFormat: 'CycloneDX';
  specVersion: string;
  metadata: { component?: CdxComponent; properties?: { name: string; value: string }[]; tools?: unknown; [key: string]: unknown };
  components?: CdxComponent[];
  dependencies?: { ref: string; dependsOn?: string[] }[];
  [key: string]: unknown;
}

/** Name of the property that records the post-processing. */
export const subjectRewriteProperty = 'agentry:sbom:subject-rewrite';

/**
 * Makes the package the subject: cyclonedx-npm names the (private, unpublished) workspace root as
 * `metadata.component` and lists the package among `components`. This moves the package's
 * component into `metadata.component` and removes the root from `components` and `dependencies`.
 */
export function makePackageTheSubject(bom: CdxBom, name: string, version: string, tool: string): CdxBom {
  const purl = npmPurl(name, version);
  const root = bom.metadata.component;
  const components = bom.components ?? [];
  const index = components.findIndex((component) => component.purl === purl);
  if (index === -1) throw new Error(`the SBOM lists no component ${purl}; cannot make it the subject`);
  const subject = components[index]!;
  const rootRef = root?.['bom-ref'];
  const rest = components.filter((_, position) => position !== index && (rootRef === undefined || _['bom-ref'] !== rootRef));
  const note =
    `${tool} named the workspace root ${root?.name ?? '(none)'} as the main component; release:dry moved ${name}@${version} ` +
    `from components to metadata.component and removed the root from components and dependencies. Nothing else was changed.`;
  return {
    ...bom,
    metadata: { ...bom.metadata, component: subject, properties: [...(bom.metadata.properties ?? []), { name: subjectRewriteProperty, value: note }] },
    components: rest,
    dependencies: (bom.dependencies ?? []).filter((dependency) => dependency.ref !== rootRef),
  };
}

/**
 * Marks components the package reaches only through its optional peer dependencies (e.g. vitest
 * for a `/testing` entry) with `scope: optional`: cyclonedx-npm lists installed peers as if they
 * were required, but a consumer who does not install the peer never gets them.
 */
export function markOptionalPeers(bom: CdxBom, optionalPeers: readonly string[]): CdxBom {
  const subjectRef = bom.metadata.component?.['bom-ref'];
  if (subjectRef === undefined || optionalPeers.length === 0) return bom;
  const components = bom.components ?? [];
  const nameOf = new Map(components.map((component) => [component['bom-ref'], component.group === undefined ? component.name : `${component.group}/${component.name}`]));
  const edges = new Map((bom.dependencies ?? []).map((dependency) => [dependency.ref, dependency.dependsOn ?? []]));
  const required = new Set<string>();
  const queue = (edges.get(subjectRef) ?? []).filter((ref) => !optionalPeers.includes(nameOf.get(ref) ?? ''));
  while (queue.length > 0) {
    const ref = queue.pop()!;
    if (required.has(ref)) continue;
    required.add(ref);
    queue.push(...(edges.get(ref) ?? []));
  }
  const marked = components.filter((component) => component['bom-ref'] !== undefined && !required.has(component['bom-ref']) && component.scope === undefined);
  if (marked.length === 0) return bom;
  const note = `release:dry set scope "optional" on ${marked.length} component(s) reached only through the optional peer dependencies ${optionalPeers.join(', ')}.`;
  return {
    ...bom,
    metadata: { ...bom.metadata, properties: [...(bom.metadata.properties ?? []), { name: optionalPeersProperty, value: note }] },
    components: components.map((component) => (marked.includes(component) ? { ...component, scope: 'optional' } : component)),
  };
}

/** Name of the property that records the optional-peer marking. */
export const optionalPeersProperty = 'agentry:sbom:optional-peers';

/** Validates a BOM's JSON text against the strict CycloneDX schema; returns the problem or undefined. */
let validator: Promise<{ validate(data: string): Promise<unknown> }> | undefined;

export async function validateBom(text: string): Promise<string | undefined> {
  // One validator per process: compiling the 1.6 schema costs more than validating.
  validator ??= import('@cyclonedx/cyclonedx-library').then(({ Validation, Spec }) => new Validation.JsonStrictValidator(Spec.Version.v1dot6));
  const error = await (await validator).validate(text);
  return error === null ? undefined : JSON.stringify(error).slice(0, 2000);
}

// The package exports only its main module; its bin and package.json sit beside it.
function cyclonedxDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-npm'));
}

/** Writes the SBOM of one package and returns its JSON text (what is written). */
export async function generateSbom(pkg: WorkspacePackage, options: { root?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const root = options.root ?? repoRoot;
  const stdout = await runChecked(process.execPath, [join(cyclonedxDir(), 'bin', 'cyclonedx-npm-cli.js'), ...cyclonedxArguments, '--workspace', pkg.relativeDir, '--output-file', '-'], {
    cwd: root,
    env: { ...(options.env ?? process.env), BOM_REPRODUCIBLE: '1' },
  });
  const raw = JSON.parse(stdout) as CdxBom;
  const toolVersion = (JSON.parse(readFileSync(join(cyclonedxDir(), 'package.json'), 'utf8')) as { version: string }).version;
  const meta = (pkg.packageJson as { peerDependenciesMeta?: Record<string, { optional?: boolean }> }).peerDependenciesMeta ?? {};
  const optionalPeers = Object.keys(meta).filter((name) => meta[name]?.optional === true);
  const bom = markOptionalPeers(makePackageTheSubject(raw, pkg.name, pkg.version, `cyclonedx-npm ${toolVersion}`), optionalPeers);
  const text = `${JSON.stringify(bom, null, 2)}\n`;
  const problem = await validateBom(text);
  if (problem !== undefined) throw new Error(`the SBOM of ${pkg.name} is not valid CycloneDX ${sbomSpecVersion} after setting its subject: ${problem}`);
  return text;
}
