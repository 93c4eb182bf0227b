// `npm run api:check` compares the built public surface with api-reports/; `npm run api:update`
// (this script with --update) rewrites the reports. Both need a build (`npm run build`) first.
import { parseArgs } from 'node:util';
import { apiUpdateCommand, compareApiReports, renderApiReports, writeApiReports } from './api-report';
import { isMain } from './is-main';

/** Runs the check or the update; returns the exit code. */
export function runApiCheck(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { update: { type: 'boolean', default: false } } });
  const reports = renderApiReports();
  if (values.update) {
    const touched = writeApiReports(reports);
    console.log(touched.length === 0 ? 'API reports are up to date.' : `Updated ${touched.join(', ')}.`);
    return 0;
  }
  const problems = compareApiReports(reports);
  for (const problem of problems) console.error(problem.message);
  if (problems.length > 0) {
    console.error(`\n${problems.length} API report(s) differ from the built .d.ts. Update them with \`${apiUpdateCommand}\`.`);
    return 1;
  }
  console.log(`API reports match the built surface (${reports.map((report) => report.file).join(', ')}).`);
  return 0;
}

if (isMain(import.meta.url)) process.exitCode = runApiCheck(process.argv.slice(2));
