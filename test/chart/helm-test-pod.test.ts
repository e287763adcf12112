// The `helm test` pod's check, run for real: the script and environment the chart renders into
// the preview test pod, executed by node from the project root (the image's working directory)
// against the app as a process on PostgreSQL, with its build_info read from its metrics port.
// Only the cluster is replaced: the Service is the app's address, the headless metrics Service's
// DNS name is 127.0.0.1.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runProcess } from '../../app/run-process.ts';
import { type AppProcess, killApp, startAppProcess } from '../support/app-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli } from '../support/migrate-cli.ts';
import { freePort } from '../support/ports.ts';
import { describeWithTool } from '../support/tools.ts';
import { APP_VERSION, blueGreenCycle } from './cases.ts';
import { findHelm, renderChart } from './helm.ts';

const ROOT = join(import.meta.dirname, '../..');

describeWithTool(
  'helm',
  (helm) => {
    let database: TestDatabase;
    let app: AppProcess;
    let metricsPort: number;
    beforeAll(async () => {
      database = await createTestDatabase();
      const migrated = await runCli(['all'], { DATABASE_URL: database.url });
      expect(migrated.code, migrated.stderr).toBe(0);
      metricsPort = await freePort();
      // The green colour of the deploy step, as the chart would run it.
      app = await startAppProcess({
        DATABASE_URL: database.url,
        RELEASE: '9.2.0',
        DEPLOYMENT_COLOUR: 'green',
        METRICS_PORT: String(metricsPort),
      });
    }, 60_000);
    afterAll(async () => {
      await killApp(app);
      await database?.drop();
    });

    const previewPod = () => {
      const step = blueGreenCycle().find((candidate) => candidate.name === 'deploy green');
      return renderChart(helm, step?.values ?? {}, step?.args).get('Pod', 'myapp-test-preview');
    };

    const runPod = (overrides: Record<string, string>) => {
      const container = previewPod().spec.containers[0];
      const env = Object.fromEntries(
        container.env.map((entry: { name: string; value: string }) => [entry.name, entry.value]),
      );
      return runProcess(process.execPath, [...container.command.slice(1), ...container.args], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          ...env,
          TARGET: app.url,
          METRICS_HOST: '127.0.0.1',
          METRICS_PORT: String(metricsPort),
          ...overrides,
        },
      });
    };

    it('passes against the colour that runs the release it expects, on every served API version', async () => {
      const pod = previewPod().spec.containers[0];
      expect(pod.env).toContainEqual({ name: 'EXPECT_RELEASE', value: '9.2.0' });
      expect(pod.env).toContainEqual({ name: 'EXPECT_COLOUR', value: 'green' });
      const run = await runPod({});
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('ok /api/v2/users?limit=1: 200');
      expect(run.stdout).toContain('ok green runs 9.2.0 on 1 pod(s)');
    });

    it('fails when the preview serves another release than the one deployed', async () => {
      const run = await runPod({ EXPECT_RELEASE: APP_VERSION });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`FAIL green runs 9.2.0, not ${APP_VERSION}`);
    });
  },
  findHelm(),
);
