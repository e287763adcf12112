// The guard's canary action against a fake helm (test/support/fake-helm.ts: a stand-in for a
// release in a cluster, none can run here), so each test also sees what a second decision would
// read. Milliseconds.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { canaryRelease, fakeHelm, UPGRADE } from '../../../test/support/fake-helm.ts';
import { createLogger } from '../../telemetry/logger.ts';
import { canaryAlarms, type WebhookPayload } from './alertmanager.ts';
import { createCanaryRollback } from './canary-rollback.ts';
import { guardServer } from './server.ts';

function auditLog() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

function rollback(helm: ReturnType<typeof fakeHelm>['helm'], dryRun: boolean) {
  const audit = auditLog();
  const guard = createCanaryRollback({
    helm,
    release: 'shop',
    namespace: 'prod',
    chart: './chart',
    dryRun,
    audit: audit.logger,
  });
  return { guard, lines: audit.lines };
}

const green = {
  colour: 'green',
  alertNames: ['AvailabilityCanaryErrorBudgetBurn'],
  fingerprints: ['f1'],
};

describe('the canary rollback', () => {
  it('in dry run decides as live, logs one JSON line, and runs no upgrade', async () => {
    const fake = fakeHelm(canaryRelease());
    const { guard, lines } = rollback(fake.helm, true);
    const [action] = await guard.handle([green]);
    expect(action).toEqual({
      release: 'shop',
      action: 'rollback-canary',
      colour: 'green',
      from: 25,
      to: 0,
      command: ['helm', ...UPGRADE],
    });
    expect(fake.upgrades()).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'rollout guard: rollback-canary shop (green) (dry run: nothing changed)',
      audit: { action: 'rollback-canary', dryRun: true, namespace: 'prod', alerts: ['f1'] },
    });
  });

  it('live, runs the upgrade once; the repeated notification finds no canary and skips', async () => {
    const fake = fakeHelm(canaryRelease());
    const { guard, lines } = rollback(fake.helm, false);
    expect((await guard.handle([green]))[0]?.action).toBe('rollback-canary');
    expect(fake.upgrades()).toEqual([UPGRADE]);
    const [again] = await guard.handle([green]);
    expect(again).toEqual({
      release: 'shop',
      action: 'skip',
      colour: 'green',
      reason: 'no canary step (strategy=bluegreen, step=deploy)',
    });
    expect(fake.upgrades()).toHaveLength(1);
    expect(lines.map((line) => (line.audit as { action: string }).action)).toEqual([
      'rollback-canary',
      'skip',
    ]);
  });

  it('upgrades once when two webhooks arrive together', async () => {
    const fake = fakeHelm(canaryRelease());
    const { guard } = rollback(fake.helm, false);
    const [first, second] = await Promise.all([guard.handle([green]), guard.handle([green])]);
    expect([first?.[0]?.action, second?.[0]?.action]).toEqual(['rollback-canary', 'skip']);
    expect(fake.upgrades()).toHaveLength(1);
  });

  it.each([
    [
      'rolling',
      { strategy: 'rolling', blueGreen: { step: 'deploy', activeColor: 'blue', canaryWeight: 0 } },
      'no canary step (strategy=rolling, step=deploy)',
    ],
    [
      'the deploy step',
      {
        strategy: 'bluegreen',
        blueGreen: { step: 'deploy', activeColor: 'blue', canaryWeight: 25 },
      },
      'no canary step (strategy=bluegreen, step=deploy)',
    ],
    [
      'promote',
      {
        strategy: 'bluegreen',
        blueGreen: { step: 'promote', activeColor: 'green', canaryWeight: 25 },
      },
      'no canary step (strategy=bluegreen, step=promote)',
    ],
    [
      'a weight of 0',
      {
        strategy: 'bluegreen',
        blueGreen: { step: 'canary', activeColor: 'blue', canaryWeight: 0 },
      },
      'the canary already has weight 0',
    ],
    [
      'another colour as canary',
      {
        strategy: 'bluegreen',
        blueGreen: { step: 'canary', activeColor: 'green', canaryWeight: 5 },
      },
      'the alert is about green, but the canary is blue',
    ],
  ])('skips with %s', async (_, values, reason) => {
    const fake = fakeHelm({ status: 'deployed', chart: 'myapp-0.4.0', values });
    for (const dryRun of [true, false]) {
      const [action] = await rollback(fake.helm, dryRun).guard.handle([green]);
      expect(action).toEqual({ release: 'shop', action: 'skip', colour: 'green', reason });
    }
    expect(fake.upgrades()).toEqual([]);
  });

  it('skips a release that does not exist', async () => {
    const fake = fakeHelm(undefined);
    const [action] = await rollback(fake.helm, false).guard.handle([green]);
    expect(action).toMatchObject({ action: 'skip', reason: 'no release shop in namespace prod' });
  });

  it('refuses to upgrade with a chart other than the deployed one', async () => {
    const fake = fakeHelm(canaryRelease(), 'apiVersion: v2\nname: myapp\nversion: 0.5.0\n');
    const [action] = await rollback(fake.helm, false).guard.handle([green]);
    expect(action).toMatchObject({
      action: 'skip',
      reason:
        "the deployed chart is myapp-0.4.0 and the guard's is myapp-0.5.0: the upgrade would change more than the weight",
    });
    expect(fake.upgrades()).toEqual([]);
  });

  it('fails (so Alertmanager retries) while another operation holds the release', async () => {
    const fake = fakeHelm({ ...canaryRelease(), status: 'pending-upgrade' });
    const [action] = await rollback(fake.helm, false).guard.handle([green]);
    expect(action).toMatchObject({
      action: 'failed',
      reason: 'the release is pending-upgrade: another operation is in progress',
    });
    expect(fake.upgrades()).toEqual([]);
  });

  it('rolls back a release whose last upgrade failed (its canary weight is live)', async () => {
    const fake = fakeHelm({ ...canaryRelease(), status: 'failed' });
    const [action] = await rollback(fake.helm, false).guard.handle([green]);
    expect(action).toMatchObject({ action: 'rollback-canary', from: 25 });
    expect(fake.upgrades()).toEqual([UPGRADE]);
  });

  it('answers a generic reason when helm fails and logs the detail', async () => {
    const { guard, lines } = rollback(async () => {
      throw new Error('helm list failed: Kubernetes cluster unreachable: https://10.0.0.1:6443');
    }, false);
    const [action] = await guard.handle([green]);
    expect(action).toEqual({
      release: 'shop',
      action: 'failed',
      colour: 'green',
      reason: 'a helm call failed',
    });
    expect(JSON.stringify(lines)).toContain('cluster unreachable');
  });
});

describe('canaryAlarms', () => {
  it('collects firing canary alerts by colour, one entry however many SLOs burn', () => {
    const payload: WebhookPayload = {
      version: '4',
      status: 'firing',
      alerts: [
        { status: 'firing', labels: { alertname: 'ACanary', colour: 'green' }, fingerprint: 'a' },
        { status: 'firing', labels: { alertname: 'LCanary', colour: 'green' }, fingerprint: 'b' },
        { status: 'resolved', labels: { alertname: 'ACanary', colour: 'blue' } },
        { status: 'firing', labels: { alertname: 'Other', colour: 'blue' } },
        { status: 'firing', labels: { alertname: 'ACanary' } },
      ],
    };
    expect(canaryAlarms(payload, ['ACanary', 'LCanary'])).toEqual([
      { colour: 'green', alertNames: ['ACanary', 'LCanary'], fingerprints: ['a', 'b'] },
    ]);
  });
});

describe('the guard webhook with the canary action', () => {
  it('rolls back once for two canary alerts, beside the flag action, and 502s when helm fails', async () => {
    const fake = fakeHelm(canaryRelease());
    const app = guardServer({
      guard: { handle: async () => [] },
      webhookToken: 'a-token-of-sixteen+',
      alertNames: ['MyappFlagVariantErrorBudgetBurn'],
      dryRun: false,
      canary: {
        rollback: rollback(fake.helm, false).guard,
        alertNames: ['AvailabilityCanaryErrorBudgetBurn', 'LatencyCanaryErrorBudgetBurn'],
      },
    });
    const body = JSON.stringify({
      version: '4',
      status: 'firing',
      alerts: ['AvailabilityCanaryErrorBudgetBurn', 'LatencyCanaryErrorBudgetBurn'].map((name) => ({
        status: 'firing',
        labels: { alertname: name, colour: 'green', severity: 'critical' },
      })),
    });
    const post = () =>
      app.request('/alerts', {
        method: 'POST',
        headers: {
          authorization: 'Bearer a-token-of-sixteen+',
          'content-type': 'application/json',
        },
        body,
      });
    const response = await post();
    expect(response.status).toBe(200);
    expect(((await response.json()) as { actions: { action: string }[] }).actions).toMatchObject([
      { action: 'rollback-canary', colour: 'green', from: 25 },
    ]);
    expect(fake.upgrades()).toHaveLength(1);

    const broken = guardServer({
      guard: { handle: async () => [] },
      webhookToken: 'a-token-of-sixteen+',
      alertNames: [],
      dryRun: false,
      canary: {
        rollback: rollback(async () => {
          throw new Error('no cluster');
        }, false).guard,
        alertNames: ['AvailabilityCanaryErrorBudgetBurn'],
      },
    });
    const failed = await broken.request('/alerts', {
      method: 'POST',
      headers: { authorization: 'Bearer a-token-of-sixteen+', 'content-type': 'application/json' },
      body,
    });
    expect(failed.status).toBe(502);
  });
});
