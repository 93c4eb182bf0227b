// A license summary of the release's dependencies, read from the SBOMs (not from node_modules),
// so it describes exactly what the signed SBOMs state.
import type { CdxBom } from './sbom';

interface LicenseChoice {
  license?: { id?: string; name?: string };
  expression?: string;
}

/** One license (SPDX id, expression or name) and the components under it. */
export interface LicenseGroup {
  license: string;
  components: string[];
}

/** The summary across SBOMs. */
export interface LicenseSummary {
  /** Distinct components (by purl, or name@version). */
  componentCount: number;
  groups: LicenseGroup[];
  /** Components the SBOMs give no license for. */
  unlicensed: string[];
  /** Components under a copyleft license family, for a reviewer's attention. */
  copyleft: string[];
}

const copyleftPattern = /\b(A?GPL|LGPL|SSPL|EUPL|OSL|CPAL|MPL|EPL|CDDL)\b/i;

function componentsOf(bom: CdxBom): NonNullable<CdxBom['components']> {
  const all: NonNullable<CdxBom['components']> = [];
  const walk = (list: CdxBom['components']) => {
    for (const component of list ?? []) {
      all.push(component);
      walk(component.components);
    }
  };
  walk(bom.components);
  return all;
}

function licenseText(choices: unknown[] | undefined): string | undefined {
  const names = (choices as LicenseChoice[] | undefined ?? [])
    .map((choice) => choice.expression ?? choice.license?.id ?? choice.license?.name)
    .filter((name): name is string => typeof name === 'string' && name !== '');
  return names.length === 0 ? undefined : names.join(' AND ');
}

/** Groups every component of the SBOMs by license. */
export function summarizeLicenses(boms: CdxBom[]): LicenseSummary {
  const byComponent = new Map<string, string | undefined>();
  for (const bom of boms) {
    for (const component of componentsOf(bom)) {
      const name = component.purl ?? `${component.group === undefined ? '' : `${component.group}/`}${component.name}@${component.version ?? ''}`;
      // Optional components (reached only through optional peers) are listed, but labelled.
      const id = component.scope === 'optional' ? `${name} (optional)` : name;
      if (!byComponent.has(id)) byComponent.set(id, licenseText(component.licenses));
    }
  }
  const groups = new Map<string, string[]>();
  const unlicensed: string[] = [];
  const copyleft: string[] = [];
  for (const [component, license] of [...byComponent].sort(([a], [b]) => a.localeCompare(b))) {
    if (license === undefined) {
      unlicensed.push(component);
      continue;
    }
    groups.set(license, [...(groups.get(license) ?? []), component]);
    if (copyleftPattern.test(license)) copyleft.push(`${component} (${license})`);
  }
  return {
    componentCount: byComponent.size,
    groups: [...groups].map(([license, components]) => ({ license, components })).sort((a, b) => b.components.length - a.components.length || a.license.localeCompare(b.license)),
    unlicensed,
    copyleft,
  };
}

/** The summary as Markdown. */
export function renderLicenseSummary(summary: LicenseSummary): string {
  return [
    '# License summary',
    '',
    `${summary.componentCount} distinct dependency components across the release SBOMs (runtime dependencies only: the SBOMs omit dev dependencies).`,
    '',
    '| license | components |',
    '| --- | ---: |',
    ...summary.groups.map((group) => `| ${group.license} | ${group.components.length} |`),
    ...(summary.unlicensed.length === 0 ? [] : [`| (none stated) | ${summary.unlicensed.length} |`]),
    '',
    '## Needs a look',
    '',
    summary.copyleft.length === 0 ? '- No copyleft-family licenses.' : `- Copyleft-family licenses: ${summary.copyleft.join(', ')}`,
    summary.unlicensed.length === 0 ? '- Every component states a license.' : `- No license stated: ${summary.unlicensed.join(', ')}`,
    '',
    '## Components by license',
    '',
    ...summary.groups.flatMap((group) => [`### ${group.license}`, '', group.components.map((component) => `- ${component}`).join('\n'), '']),
  ].join('\n');
}
