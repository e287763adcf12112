// The guard behind a real Alertmanager (Debian's prometheus-alertmanager), over real sockets: both
// per-colour canary alerts fire for the green colour, Alertmanager groups them into one webhook
// with the guard's bearer token from a credentials file, and the guard rolls the canary back
// once (helm is a fake: no cluster here); Alertmanager's repeated notification finds the release
// already at weight 0 and the guard skips. About 4 s.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { canaryBurnAlertName } from '../../../alerts/canary-rules.ts';
import { slos } from '../../../alerts/slos.ts';
import { type Alertmanager, startAlertmanager } from '../../../test/support/alertmanager.ts';
import { canaryRelease, fakeHelm, UPGRADE } from '../../../test/support/fake-helm.ts';
import { describeWithTool } from '../../../test/support/tools.ts';
import { createLogger } from '../../telemetry/logger.ts';
import { createCanaryRollback } from './canary-rollback.ts';
import { guardNodeServer, guardServer } from './server.ts';

const TOKEN = 'a-token-of-sixteen+';
const CANARY_ALERTS = slos.map(canaryBurnAlertName);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithTool('prometheus-alertmanager', (binary) => {
  const helm = fakeHelm(canaryRelease());
  const audits: { action: string; alertnames: string[] }[] = [];
  let server: Server;
  let alertmanager: Alertmanager | undefined;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line) {
            const entry = JSON.parse(line) as { audit?: (typeof audits)[number] };
            if (entry.audit) audits.push(entry.audit);
          }
        done();
      },
    });
    const rollback = createCanaryRollback({
      helm: helm.helm,
      release: 'shop',
      namespace: 'prod',
      chart: './chart',
      dryRun: false,
      audit: createLogger({ level: 'info', destination }),
    });
    server = guardNodeServer(
      guardServer({
        guard: { handle: async () => [] },
        webhookToken: TOKEN,
        alertNames: ['MyappFlagVariantErrorBudgetBurn'],
        dryRun: false,
        canary: { rollback, alertNames: CANARY_ALERTS },
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    alertmanager = await startAlertmanager(binary, {
      webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
      bearerToken: TOKEN,
      groupBy: ['colour'],
      repeatInterval: '2s',
    });
  });

  afterAll(async () => {
    await alertmanager?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('rolls the canary back once for both alerts, and skips the repeated notification', async () => {
    await (alertmanager as Alertmanager).fire(
      CANARY_ALERTS.map((alertname) => ({
        labels: { alertname, colour: 'green', severity: 'critical' },
      })),
    );
    for (let waited = 0; audits.length < 2 && waited < 15_000; waited += 100) await sleep(100);
    expect(audits.length, alertmanager?.log()).toBeGreaterThanOrEqual(2);
    expect(audits[0]).toMatchObject({ action: 'rollback-canary' });
    expect([...(audits[0]?.alertnames ?? [])].sort()).toEqual([...CANARY_ALERTS].sort());
    expect(audits.slice(1).map((audit) => audit.action)).toEqual(audits.slice(1).map(() => 'skip'));
    expect(helm.upgrades()).toEqual([UPGRADE]);
  });
});
