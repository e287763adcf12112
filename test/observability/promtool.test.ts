// The rules and the app's /metrics through the real promtool (Debian's prometheus package, 2.42):
// `check rules` on every rule file, `test rules` on every unit-test file (every alert on both sides
// of its threshold), and `check metrics` on a live scrape. About 5 s, mostly the SLO tests.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleFiles } from '../../alerts/rules.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type ObservedApp, startObservedApp } from '../support/observed-app.ts';
import { describeWithTool } from '../support/tools.ts';

const ROOT = join(import.meta.dirname, '../..');

/** prom-client's gauges that end in `_total` (prom-client#283): the only problems allowed. */
const KNOWN_TOTAL_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

async function promtool(path: string, args: string[], input?: string) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    const child = execFile(path, args, { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({
        code: error ? Number((error as { code?: number }).code ?? 1) : 0,
        output: `${stdout}${stderr}`,
      });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

describeWithTool('promtool', (path) => {
  const { rules, tests } = ruleFiles();

  it.each(Object.keys(rules))('check rules %s', async (file) => {
    const { code, output } = await promtool(path, ['check', 'rules', file]);
    expect(output).toContain('SUCCESS');
    expect(code, output).toBe(0);
  });

  it.each(Object.keys(tests))('test rules %s', { timeout: 60_000 }, async (file) => {
    const { code, output } = await promtool(path, ['test', 'rules', file]);
    expect(code, output).toBe(0);
    expect(output).toContain('SUCCESS');
  });

  describe('check metrics on the running app', () => {
    let database: TestDatabase;
    let app: ObservedApp;

    beforeAll(async () => {
      database = await createTestDatabase();
      app = await startObservedApp(database.url, { LOG_LEVEL: 'silent' });
      // Traffic, so the labelled metrics have series.
      await fetch(`${app.url}/api/v1/users`);
      await fetch(`${app.url}/nowhere`);
    });

    afterAll(async () => {
      await app?.close();
      await database?.drop();
    });

    it('passes, but for prom-client’s three known `_total` gauges', async () => {
      const body = await (await fetch(app.metricsUrl)).text();
      expect(body).toContain('http_server_request_duration_seconds_bucket');
      const { output } = await promtool(path, ['check', 'metrics'], body);
      const problems = output
        .split('\n')
        .filter((line) => line.trim() !== '')
        .filter((line) => !KNOWN_TOTAL_GAUGES.some((name) => line.startsWith(`${name} `)));
      expect(problems).toEqual([]);
    });
  });
});
