// Renders one API report per public entry point (api-extractor over the built .d.ts) and compares
// them with the committed reports in api-reports/. The report is the reviewed statement of the
// public surface: a change to it is a change to the semver promise.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, type ExtractorMessage, type IConfigFile } from '@microsoft/api-extractor';
import { diffApiReports } from './api-report-diff';
import { entryFile, exportEntries, type ExportEntry } from './export-entries';
import { listPublishedPackages, repoRoot, type WorkspacePackage } from './workspace-packages';

/** Folder of the committed reports, relative to the repository root. */
export const apiReportsDir = 'api-reports';

/** The command that rewrites the committed reports. */
export const apiUpdateCommand = 'npm run api:update';

/** One rendered report. */
export interface ApiReport {
  pkg: WorkspacePackage;
  entry: ExportEntry;
  /** `api-reports/<reportName>.api.md`, relative to the repository root. */
  file: string;
  text: string;
}

// Messages that would only add noise to a report of built .d.ts files (no TSDoc release tags here).
const silenced: Record<string, { logLevel: ExtractorLogLevel }> = {
  'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
  'ae-internal-missing-underscore': { logLevel: ExtractorLogLevel.None },
  'ae-unresolved-link': { logLevel: ExtractorLogLevel.None },
  // Missing JSDoc is a style matter, not surface; its footer lines carry positions in hashed chunks.
  'ae-undocumented': { logLevel: ExtractorLogLevel.None },
};

// Footer messages carry `dist/<chunk>.d.ts:line:col`; tsup's chunk names hash their content, so
// positions would churn the report on unrelated edits. Keep the message, drop the position.
function normalise(text: string): string {
  return text.replace(/^\/\/ [^\n]*?\.d\.c?ts:\d+:\d+ - /gm, '// ');
}

function configFor(pkg: WorkspacePackage, entry: ExportEntry, tempFolder: string): IConfigFile {
  if (entry.esmTypes === undefined) throw new Error(`${entry.specifier}: the exports map names no types for import`);
  if (!existsSync(entryFile(pkg, entry.esmTypes))) {
    throw new Error(`${entry.specifier}: ${pkg.relativeDir}/${entry.esmTypes.replace(/^\.\//, '')} does not exist; build first (\`npm run build\`) and check that the build emits every entry of the exports map`);
  }
  return {
    projectFolder: pkg.dir,
    mainEntryPointFilePath: entryFile(pkg, entry.esmTypes),
    compiler: {
      overrideTsconfig: {
        compilerOptions: { target: 'ES2023', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023', 'DOM'], types: ['node'], typeRoots: [join(repoRoot, 'node_modules/@types')], strict: true, skipLibCheck: true },
        include: [entryFile(pkg, entry.esmTypes)],
      },
      skipLibCheck: true,
    },
    apiReport: {
      enabled: true,
      reportFileName: entry.reportName,
      reportFolder: join(tempFolder, 'committed'),
      reportTempFolder: tempFolder,
      includeForgottenExports: false,
    },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    newlineKind: 'lf',
    messages: {
      // A .d.ts that does not compile (an unresolvable import) must fail, not yield a partial report.
      compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Error } },
      extractorMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true }, ...silenced },
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
    },
  };
}

/**
 * Renders the API report of every entry of every published package from the built `.d.ts` files.
 * The packages must be built (`npm run build`).
 */
export function renderApiReports(packages: WorkspacePackage[] = listPublishedPackages(repoRoot)): ApiReport[] {
  const reports: ApiReport[] = [];
  const temp = mkdtempSync(join(tmpdir(), 'agentry-api-'));
  // api-extractor compares with (and, as a local build, copies to) a "committed" folder; ours is a
  // scratch one: the comparison that matters is compareApiReports against api-reports/.
  mkdirSync(join(temp, 'committed'));
  try {
    for (const pkg of packages) {
      const entries = exportEntries(pkg);
      let compilerState: CompilerState | undefined;
      for (const entry of entries) {
        const configObject = configFor(pkg, entry, temp);
        const config = ExtractorConfig.prepare({ configObject, configObjectFullPath: undefined, packageJsonFullPath: join(pkg.dir, 'package.json') });
        // One TypeScript program per package serves all its entries (the slow part is loading it).
        compilerState ??= CompilerState.create(config, {
          additionalEntryPoints: entries.flatMap((other) => (other.esmTypes === undefined ? [] : [entryFile(pkg, other.esmTypes)])),
        });
        const errors: string[] = [];
        const result = Extractor.invoke(config, {
          localBuild: true,
          compilerState,
          messageCallback: (message: ExtractorMessage) => {
            if (message.logLevel === ExtractorLogLevel.Error) errors.push(message.formatMessageWithLocation(pkg.dir));
            message.handled = true;
          },
        });
        if (result.errorCount > 0) throw new Error(`api-extractor failed for ${entry.specifier}:\n${errors.join('\n')}`);
        const text = normalise(readFileSync(join(temp, `${entry.reportName}.api.md`), 'utf8'));
        reports.push({ pkg, entry, file: `${apiReportsDir}/${entry.reportName}.api.md`, text });
      }
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return reports;
}

/** A committed report that differs from the built surface. */
export interface ApiReportProblem {
  file: string;
  message: string;
}

function describeChanges(before: string | undefined, after: string | undefined): string {
  const { changes } = diffApiReports(before, after);
  if (changes.length === 0) return 'formatting only';
  const shown = changes.slice(0, 8).map((change) => `${change.kind} ${change.name}`);
  return `${shown.join(', ')}${changes.length > shown.length ? `, and ${changes.length - shown.length} more` : ''}`;
}

/**
 * Compares rendered reports with the committed ones in `root/api-reports`. Each problem names the
 * report, what changed and the command that updates it.
 */
export function compareApiReports(reports: ApiReport[], root: string = repoRoot): ApiReportProblem[] {
  const problems: ApiReportProblem[] = [];
  const expected = new Set(reports.map((report) => report.file));
  for (const report of reports) {
    const path = join(root, report.file);
    const committed = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (committed !== undefined && sameSurface(committed, report.text)) continue;
    problems.push({
      file: report.file,
      message:
        committed === undefined
          ? `${report.file} is missing: ${report.entry.specifier} is a public entry (package.json exports) without a committed API report. Run \`${apiUpdateCommand}\` and commit ${apiReportsDir}/.`
          : `${report.file} is out of date: the public surface of ${report.entry.specifier} changed (${describeChanges(committed, report.text)}). ` +
            `If the change is intended, run \`${apiUpdateCommand}\`, commit ${report.file} and add a changeset with the bump it needs (VERSIONING.md).`,
    });
  }
  const folder = join(root, apiReportsDir);
  for (const file of existsSync(folder) ? readdirSync(folder) : []) {
    const relative = `${apiReportsDir}/${file}`;
    if (file.endsWith('.api.md') && !expected.has(relative)) {
      problems.push({ file: relative, message: `${relative} has no entry point any more (removed from an exports map?). Run \`${apiUpdateCommand}\` to delete it; removing an entry is a breaking change.` });
    }
  }
  return problems;
}

// The declaration emitter prints an inferred union of string literals in the compiler's internal
// type order, which differs between machines; the order means nothing to a caller, so reports
// compare with every such union sorted.
const literalUnion = /"(?:[^"\\\n]|\\.)*"(?: \| "(?:[^"\\\n]|\\.)*")+/g;

function withSortedLiteralUnions(text: string): string {
  return text.replace(literalUnion, (union) => union.split(' | ').sort().join(' | '));
}

/** Whether two reports describe the same surface: equal text, up to the order of literal unions. */
export function sameSurface(committed: string, rendered: string): boolean {
  return committed === rendered || withSortedLiteralUnions(committed) === withSortedLiteralUnions(rendered);
}

/** Writes the rendered reports and deletes reports of entries that no longer exist. Returns the files written or deleted. */
export function writeApiReports(reports: ApiReport[], root: string = repoRoot): string[] {
  const touched: string[] = [];
  mkdirSync(join(root, apiReportsDir), { recursive: true });
  for (const problem of compareApiReports(reports, root)) {
    const report = reports.find((candidate) => candidate.file === problem.file);
    if (report === undefined) rmSync(join(root, problem.file));
    else writeFileSync(join(root, report.file), report.text);
    touched.push(problem.file);
  }
  return touched;
}
