// The Helm 4 model on its own: order, admission and field ownership on small hand-made objects,
// then the real chart's documented command sequences, where today's defects must be detected
// (EXPECTED_FAILURES) and every other case must pass.
import { describe, expect, it } from 'vitest';
import { findHelm, type K8sObject } from '../chart/helm.ts';
import { describeWithTool } from '../support/tools.ts';
import { CHART_CASES } from './chart-cases.ts';
import { EXPECTED_FAILURES } from './expected-failures.ts';
import {
  admissionProblem,
  emptyCluster,
  HelmError,
  HPA_MANAGER,
  helmInstall,
  helmUpgrade,
  hpaScale,
} from './helm4-model.ts';
import { hooksFor } from './manifests.ts';
import { playCase, recordingExecutor } from './play-case.ts';

function object(kind: string, name: string, extra: Partial<K8sObject> = {}): K8sObject {
  return { apiVersion: 'v1', kind, metadata: { name, ...extra.metadata }, ...extra };
}

function hook(kind: string, name: string, events: string, weight: number, spec?: unknown) {
  return object(kind, name, {
    metadata: {
      name,
      annotations: { 'helm.sh/hook': events, 'helm.sh/hook-weight': String(weight) },
    },
    spec,
  });
}

const jobAs = (serviceAccountName: string, secret?: string) => ({
  template: {
    spec: {
      serviceAccountName,
      containers: [
        {
          name: 'c',
          env: secret
            ? [{ name: 'X', valueFrom: { secretKeyRef: { name: secret, key: 'X' } } }]
            : [],
        },
      ],
    },
  },
});

const deployment = (name: string, replicas?: number) =>
  object('Deployment', name, {
    spec: { ...(replicas === undefined ? {} : { replicas }), ...jobAs('default') },
  });

describe('the Helm 4 model', () => {
  it('orders hooks by weight, then kind, then name', () => {
    const hooks = [
      hook('Job', 'b', 'pre-install', 0),
      hook('Job', 'a', 'pre-install', 0),
      hook('Secret', 'z', 'pre-install', 0),
      hook('Job', 'first', 'pre-install,pre-upgrade', -5),
      hook('Job', 'post', 'post-install', -10),
    ];
    expect(hooksFor(hooks, 'pre-install').map((h) => h.metadata.name)).toEqual([
      'first',
      'z',
      'a',
      'b',
    ]);
  });

  it('refuses a pre-install hook pod whose ServiceAccount is a release object', async () => {
    const rendered = [
      object('ServiceAccount', 'app'),
      hook('Job', 'm', 'pre-install', 0, jobAs('app')),
    ];
    const executor = recordingExecutor();
    const outcome = await helmInstall(emptyCluster(), rendered, executor);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBeInstanceOf(HelmError);
    expect(outcome.error?.reason).toBe('admission');
    expect(outcome.error?.message).toMatch(/serviceaccount "app" not found/);
    expect(executor.ran).toEqual([]);
  });

  it('admits the same hook on an upgrade, when the release ServiceAccount exists', async () => {
    const rendered = [
      object('ServiceAccount', 'app'),
      hook('Job', 'm', 'pre-install,pre-upgrade', 0, jobAs('app')),
    ];
    const state = emptyCluster();
    state.objects.set('ServiceAccount/app', object('ServiceAccount', 'app'));
    state.manifest = [object('ServiceAccount', 'app')];
    const executor = recordingExecutor();
    expect((await helmUpgrade(state, rendered, executor)).ok).toBe(true);
    expect(executor.ran).toEqual(['job m']);
  });

  it('admits a hook whose Secret is a hook of lower weight, and deletes hook-succeeded after the phase', async () => {
    const secret = hook('Secret', 's', 'pre-install', -10);
    secret.metadata.annotations = {
      ...secret.metadata.annotations,
      'helm.sh/hook-delete-policy': 'hook-succeeded',
    };
    const rendered = [secret, hook('Job', 'm', 'pre-install', 0, jobAs('default', 's'))];
    const state = emptyCluster();
    const outcome = await helmInstall(state, rendered, recordingExecutor());
    expect(outcome.ok).toBe(true);
    expect(outcome.events.map((e) => e.type)).toEqual(['hook', 'hook', 'hook-deleted', 'apply']);
    expect(state.objects.has('Secret/s')).toBe(false);
    expect(state.objects.has('Job/m')).toBe(true);
  });

  it('fails a hook whose Secret is created later, as a release object', () => {
    const job = hook('Job', 'm', 'pre-install', 0, jobAs('default', 's'));
    expect(admissionProblem(job, new Map())).toMatch(/secret "s" not found/);
  });

  it('stops the command at a failing hook: the release objects are never applied', async () => {
    const executor = recordingExecutor();
    executor.runHookJob = async () => {
      throw new Error('exit 1');
    };
    const outcome = await helmInstall(
      emptyCluster(),
      [hook('Job', 'm', 'pre-install', 0, jobAs('default')), deployment('d', 2)],
      executor,
    );
    expect(outcome.error?.reason).toBe('hook-failed');
    expect(outcome.events.some((e) => e.type === 'apply')).toBe(false);
  });

  it('--rollback-on-failure: a failed post-upgrade hook rolls back to the last deployed revision', async () => {
    const state = emptyCluster();
    const executor = recordingExecutor();
    const v1 = [deployment('d', 2), object('Service', 'weights', { spec: { weight: 0 } })];
    expect((await helmInstall(state, v1, executor)).ok).toBe(true);
    // A failed upgrade without the flag stays failed, and is a revision of its own.
    executor.runHookJob = async () => {
      throw new Error('exit 1');
    };
    const analysed = [
      deployment('d', 2),
      object('Service', 'weights', { spec: { weight: 5 } }),
      hook('Job', 'analysis', 'post-upgrade', 5, jobAs('default')),
    ];
    const plain = await helmUpgrade(state, analysed, executor, { wait: true });
    expect(plain.ok).toBe(false);
    expect(plain.rollback).toBeUndefined();
    expect(state.objects.get('Service/weights')?.spec.weight).toBe(5);
    expect(state.history.map((r) => `${r.revision} ${r.status}`)).toEqual([
      '1 deployed',
      '2 failed',
    ]);
    executor.ran.length = 0;
    const atomic = await helmUpgrade(state, analysed, executor, { rollbackOnFailure: true });
    expect(atomic.error?.reason).toBe('hook-failed');
    expect(atomic.rollback).toMatchObject({ to: 1, ok: true });
    // The hook ran after the weights were applied; the rollback applied revision 1 and waited.
    expect(executor.ran).toEqual(['deployment d=2', 'wait', 'deployment d=2', 'wait']);
    expect(state.objects.get('Service/weights')?.spec.weight).toBe(0);
    expect(state.history.map((r) => `${r.revision} ${r.status}`)).toEqual([
      '1 superseded',
      '2 failed',
      '3 failed',
      '4 deployed',
    ]);
    expect(state.revision).toBe(4);
  });

  it('refuses Deployment pods whose ServiceAccount the release does not create', async () => {
    const d = object('Deployment', 'd', { spec: { replicas: 2, ...jobAs('missing') } });
    const outcome = await helmInstall(emptyCluster(), [d], recordingExecutor());
    expect(outcome.error?.message).toMatch(/serviceaccount "missing" not found/);
  });

  it('under server-side apply, conflicts on spec.replicas the HPA owns unless forced', async () => {
    const state = emptyCluster();
    await helmInstall(state, [deployment('d', 2)], recordingExecutor());
    hpaScale(state, 'd', 4);
    expect(state.replicasOwners.get('Deployment/d')).toEqual(new Set([HPA_MANAGER]));
    const conflict = await helmUpgrade(state, [deployment('d', 0)], recordingExecutor());
    expect(conflict.error?.reason).toBe('conflict');
    expect(state.replicas.get('Deployment/d')).toBe(4);
    const forced = await helmUpgrade(state, [deployment('d', 0)], recordingExecutor(), {
      forceConflicts: true,
    });
    expect(forced.ok).toBe(true);
    expect(state.replicas.get('Deployment/d')).toBe(0);
  });

  it('does not conflict when the applied value equals the HPA one, or under client-side apply', async () => {
    const state = emptyCluster();
    await helmInstall(state, [deployment('d', 2)], recordingExecutor());
    hpaScale(state, 'd', 3);
    expect((await helmUpgrade(state, [deployment('d', 3)], recordingExecutor())).ok).toBe(true);
    const legacy = emptyCluster();
    await helmInstall(legacy, [deployment('d', 2)], recordingExecutor(), { clientSide: true });
    hpaScale(legacy, 'd', 3);
    expect((await helmUpgrade(legacy, [deployment('d', 0)], recordingExecutor())).ok).toBe(true);
  });

  it('drops a Deployment to 1 replica when Helm stops applying a field it owned alone', async () => {
    const state = emptyCluster();
    await helmInstall(state, [deployment('d', 3)], recordingExecutor());
    const outcome = await helmUpgrade(state, [deployment('d')], recordingExecutor());
    expect(outcome.ok).toBe(true);
    expect(outcome.disruptions).toEqual([
      'Deployment/d: spec.replicas dropped from 3 to 1 (Helm owned it alone)',
    ]);
  });
});

describeWithTool(
  'helm',
  (helm) => {
    describe.each(CHART_CASES.map((c) => [c.name, c] as const))(
      'the chart: %s',
      (name, chartCase) => {
        const expected = EXPECTED_FAILURES[name];
        it(
          expected ? `is detected as failing today (${expected})` : 'passes on a cluster',
          async () => {
            const result = await playCase(helm, chartCase, recordingExecutor());
            const problems = [result.failure, ...result.disruptions].filter(Boolean).join('\n');
            if (expected) expect(problems).toMatch(expected);
            else expect(problems).toBe('');
          },
        );
      },
    );

    it('lists only cases that exist', () => {
      // Cases the scenarios check themselves, beside the model's command sequences.
      const names = [...CHART_CASES.map((c) => c.name), 'rate limits behind the ingress'];
      expect(Object.keys(EXPECTED_FAILURES).filter((name) => !names.includes(name))).toEqual([]);
    });
  },
  findHelm(),
);
