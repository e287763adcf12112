// Prints the rehearsal's reports as docs/testing.md's table: `node test/rehearsal/summary.ts`
// (`npm run rehearsal` runs it after the scenarios; CI prints it into its log).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_DIR, type ScenarioReport } from './report.ts';

/** `0`, or for a scenario that provokes failures `12 provoked (bound 40), 0 other`. */
function failuresCell(report: ScenarioReport): string {
  const expected = report.expectedFailures;
  if (!expected) return String(report.failures);
  const other = report.failures - expected.observed;
  return `${expected.observed} provoked (bound ${expected.bound}), ${other} other`;
}

if (!existsSync(REPORT_DIR)) {
  process.stdout.write(`no rehearsal reports in ${REPORT_DIR}\n`);
} else {
  const reports = readdirSync(REPORT_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(join(REPORT_DIR, file), 'utf8')) as ScenarioReport)
    .sort((a, b) => a.scenario.localeCompare(b.scenario));
  const rows = [
    '| Scenario | Requests | Failures | Lost writes | p99 during the change | Duration |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...reports.map(
      (r) =>
        `| ${r.scenario} | ${r.requests} | ${failuresCell(r)} | ${r.lostWrites} | ${r.p99DuringChangeMs} ms | ${Math.round(r.durationSeconds)} s |`,
    ),
  ];
  process.stdout.write(`Rehearsal reports (${REPORT_DIR}):\n\n${rows.join('\n')}\n`);
}
