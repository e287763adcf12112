// A model of what Helm 4 and the Kubernetes control plane do with a chart's rendered objects that
// `helm template` cannot show, so a rehearsal fails where a real cluster would:
//
// - `helm install` / `helm upgrade` order (pkg/action/install.go, upgrade.go): pre-hooks one at a
//   time by weight (then kind, then name), each waited for, BEFORE the release's own objects
//   exist; then the release's objects; then `--wait`; then post-hooks. A failing hook stops the
//   command. Hook resources with `hook-succeeded` are deleted once every hook of the phase passed.
// - Admission and the kubelet: a pod whose ServiceAccount does not exist is refused by the
//   ServiceAccount admission plugin (the Job controller retries until the Job's deadline); a pod
//   whose Secret or ConfigMap reference is missing stays in CreateContainerConfigError. Either
//   way a hook Job never completes and Helm fails it.
// - Server-side apply (Helm 4's default for new installs; an upgrade keeps the release's previous
//   method): `spec.replicas` of a Deployment is owned by whoever last set it. Once an HPA has
//   scaled it, the HPA controller owns it, and Helm applying a different value conflicts unless
//   `--force-conflicts` is given. A field Helm owned alone and no longer applies is removed, so
//   the Deployment falls back to 1 replica until the HPA acts.
// - `helm upgrade --rollback-on-failure` (Helm 4's `--atomic`, which implies `--wait`): every
//   upgrade is a revision, a failed one too; when the upgrade fails (a hook, `--wait`), Helm rolls
//   back to the newest revision that was deployed or superseded: its rollback hooks, its objects
//   applied again and waited for, as a new revision.
//
// The model does not run anything itself: an Executor runs hook Jobs and rolls Deployments, so
// the same order drives both the unit tests (a recording executor) and the rehearsal (real
// processes).
import {
  type HookEvent,
  hookDeletePolicies,
  hooksFor,
  type K8sObject,
  keyOf,
  podReferences,
  podSpecOf,
  releaseObjects,
} from './manifests.ts';

const HELM_MANAGER = 'helm';
export const HPA_MANAGER = 'kube-controller-manager';

export interface ClusterState {
  /** Objects that exist now, by `Kind/name`. */
  objects: Map<string, K8sObject>;
  /** The release's own objects as last applied (what an upgrade compares against). */
  manifest: K8sObject[];
  /** spec.replicas of each Deployment as the API server holds it. */
  replicas: Map<string, number>;
  /** Field managers owning spec.replicas of each Deployment. */
  replicasOwners: Map<string, Set<string>>;
  /** How the release was last applied; Helm 4 installs server-side, upgrades keep the method. */
  applyMethod: 'server-side' | 'client-side' | undefined;
  revision: number;
  /** Every revision, oldest first, with what it rendered (a rollback applies it again). */
  history: Revision[];
}

interface Revision {
  revision: number;
  status: 'deployed' | 'superseded' | 'failed';
  rendered: readonly K8sObject[];
}

export function emptyCluster(): ClusterState {
  return {
    objects: new Map(),
    manifest: [],
    replicas: new Map(),
    replicasOwners: new Map(),
    applyMethod: undefined,
    revision: 0,
    history: [],
  };
}

export interface HelmOptions {
  /** `--wait` (the watcher strategy): wait for every Deployment to be rolled out. */
  wait?: boolean;
  /** `--force-conflicts`: take over fields other managers own. */
  forceConflicts?: boolean;
  /** `--server-side=false` on install: client-side apply (three-way merge, no field ownership). */
  clientSide?: boolean;
  /** `--timeout` (Helm's default is 5 minutes). */
  timeoutSeconds?: number;
  /** `--rollback-on-failure` (upgrade): a failed upgrade is rolled back; implies `--wait`. */
  rollbackOnFailure?: boolean;
}

/** Runs what the control plane would run. Each method throws when the thing fails. */
export interface Executor {
  /** A hook Job whose pods were admitted: run it to completion (or failure). */
  runHookJob(job: K8sObject): Promise<void>;
  /** A hook Pod (e.g. `helm test`): run it to completion. */
  runHookPod(pod: K8sObject): Promise<void>;
  /**
   * The release's objects after apply, with the replicas the API server now holds per
   * Deployment, and the objects deleted because the new manifest dropped them.
   */
  applyRelease(
    applied: K8sObject[],
    replicas: ReadonlyMap<string, number>,
    deleted: K8sObject[],
  ): Promise<void>;
  /** `--wait`: every Deployment rolled out and ready. */
  waitReady(deployments: K8sObject[], timeoutMs: number): Promise<void>;
}

type Event =
  | { type: 'hook'; phase: string; object: string }
  | { type: 'hook-deleted'; object: string }
  | { type: 'apply'; objects: string[]; deleted: string[] }
  | { type: 'wait' }
  | { type: 'replicas-reset'; deployment: string; to: number }
  | { type: 'rollback'; to: number };

export class HelmError extends Error {
  readonly reason: 'admission' | 'conflict' | 'hook-failed' | 'wait';
  constructor(message: string, reason: HelmError['reason']) {
    super(message);
    this.reason = reason;
  }
}

export interface Outcome {
  ok: boolean;
  error?: HelmError;
  events: Event[];
  /** Things a cluster would do that cost capacity although the command succeeded. */
  disruptions: string[];
  /** `--rollback-on-failure` after a failed upgrade: the revision it returned to, and how. */
  rollback?: { to: number; ok: boolean; error?: HelmError; ms: number };
}

/** Why a pod of this workload cannot start given what exists now, or undefined when it can. */
export function admissionProblem(
  workload: K8sObject,
  existing: ReadonlyMap<string, K8sObject>,
): string | undefined {
  const spec = podSpecOf(workload);
  if (!spec) return undefined;
  for (const ref of podReferences(spec)) {
    if (ref.optional) continue;
    // Every namespace has the `default` ServiceAccount.
    if (ref.kind === 'ServiceAccount' && ref.name === 'default') continue;
    if (existing.has(`${ref.kind}/${ref.name}`)) continue;
    return ref.kind === 'ServiceAccount'
      ? `pods of ${keyOf(workload)} are refused: error looking up service account ${ref.name}: serviceaccount "${ref.name}" not found`
      : `pods of ${keyOf(workload)} cannot start: ${ref.kind.toLowerCase()} "${ref.name}" not found (${ref.from})`;
  }
  return undefined;
}

/** The HPA controller sets a Deployment's replicas (and so owns the field). */
export function hpaScale(state: ClusterState, deployment: string, replicas: number): void {
  const key = `Deployment/${deployment}`;
  if (state.replicas.get(key) === replicas) return;
  state.replicas.set(key, replicas);
  state.replicasOwners.set(key, new Set([HPA_MANAGER]));
}

/** Every HPA of the release brings its target within [min, max], as its controller does. */
function reconcileHpas(state: ClusterState): void {
  for (const object of state.objects.values()) {
    if (object.kind !== 'HorizontalPodAutoscaler') continue;
    const target = `Deployment/${object.spec.scaleTargetRef.name}`;
    const current = state.replicas.get(target);
    if (current === undefined || current === 0) continue; // an HPA never scales up from 0
    const wanted = Math.min(
      Math.max(current, object.spec.minReplicas ?? 1),
      object.spec.maxReplicas,
    );
    hpaScale(state, object.spec.scaleTargetRef.name, wanted);
  }
}

/** Applies spec.replicas of one Deployment as Helm would; throws a conflict under SSA. */
function applyReplicas(
  state: ClusterState,
  deployment: K8sObject,
  options: HelmOptions,
  disruptions: string[],
  events: Event[],
): void {
  const key = keyOf(deployment);
  const wanted: number | undefined = deployment.spec?.replicas;
  const current = state.replicas.get(key);
  const owners = state.replicasOwners.get(key) ?? new Set<string>();
  if (state.applyMethod === 'client-side') {
    // Three-way merge: Helm's value wins; a value dropped from the chart is removed only if the
    // previous manifest had it.
    if (wanted !== undefined) state.replicas.set(key, wanted);
    else if (current === undefined) state.replicas.set(key, 1);
    return;
  }
  if (wanted !== undefined) {
    const others = [...owners].filter((manager) => manager !== HELM_MANAGER);
    if (current !== undefined && current !== wanted && others.length > 0 && !options.forceConflicts)
      throw new HelmError(
        `${key}: conflict with "${others.join('", "')}" using apps/v1: .spec.replicas (applying ${wanted}, it holds ${current}); server-side apply needs --force-conflicts`,
        'conflict',
      );
    state.replicas.set(key, wanted);
    state.replicasOwners.set(
      key,
      current === wanted && !options.forceConflicts
        ? new Set([...owners, HELM_MANAGER])
        : new Set([HELM_MANAGER]),
    );
    return;
  }
  // Helm no longer applies the field.
  owners.delete(HELM_MANAGER);
  if (owners.size === 0) {
    // Nobody owns it any more: the API server removes it and defaulting makes it 1.
    if (current !== undefined && current > 1) {
      disruptions.push(`${key}: spec.replicas dropped from ${current} to 1 (Helm owned it alone)`);
      events.push({ type: 'replicas-reset', deployment: key, to: 1 });
    }
    state.replicas.set(key, 1);
  }
  state.replicasOwners.set(key, owners);
}

async function runHooks(
  state: ClusterState,
  rendered: readonly K8sObject[],
  phase: HookEvent,
  executor: Executor,
  events: Event[],
): Promise<void> {
  const hooks = hooksFor(rendered, phase);
  for (const hook of hooks) {
    const key = keyOf(hook);
    // before-hook-creation (also Helm's default) removes the last run's object first.
    if (hookDeletePolicies(hook).includes('before-hook-creation')) state.objects.delete(key);
    events.push({ type: 'hook', phase, object: key });
    if (hook.kind === 'Job' || hook.kind === 'Pod') {
      const problem = admissionProblem(hook, state.objects);
      state.objects.set(key, hook);
      if (problem)
        throw new HelmError(
          `${phase} hook ${key} failed: ${problem}; the Job never completes and Helm gives up at its timeout`,
          'admission',
        );
      try {
        if (hook.kind === 'Job') await executor.runHookJob(hook);
        else await executor.runHookPod(hook);
      } catch (error) {
        if (hookDeletePolicies(hook).includes('hook-failed')) state.objects.delete(key);
        throw new HelmError(
          `${phase} hook ${key} failed: ${(error as Error).message}`,
          'hook-failed',
        );
      }
    } else {
      state.objects.set(key, hook);
    }
  }
  // Only once every hook of the phase succeeded.
  for (const hook of [...hooks].reverse()) {
    if (hookDeletePolicies(hook).includes('hook-succeeded')) {
      state.objects.delete(keyOf(hook));
      events.push({ type: 'hook-deleted', object: keyOf(hook) });
    }
  }
}

/** One command's apply of a render: where it goes, how, and what it records. */
interface ApplyRun {
  state: ClusterState;
  rendered: readonly K8sObject[];
  options: HelmOptions;
  executor: Executor;
  events: Event[];
  disruptions: string[];
}

async function applyAndWait(run: ApplyRun): Promise<void> {
  const { state, rendered, options, executor, events, disruptions } = run;
  const objects = releaseObjects(rendered);
  const newKeys = new Set(objects.map(keyOf));
  const deleted = state.manifest.filter((object) => !newKeys.has(keyOf(object)));
  // Field ownership first: a conflict fails the apply before anything changes.
  const replicasBefore = new Map(state.replicas);
  const ownersBefore = new Map([...state.replicasOwners].map(([k, v]) => [k, new Set(v)]));
  try {
    for (const object of objects)
      if (object.kind === 'Deployment') applyReplicas(state, object, options, disruptions, events);
  } catch (error) {
    state.replicas = replicasBefore;
    state.replicasOwners = ownersBefore;
    throw error;
  }
  for (const object of deleted) {
    state.objects.delete(keyOf(object));
    state.replicas.delete(keyOf(object));
    state.replicasOwners.delete(keyOf(object));
  }
  for (const object of objects) state.objects.set(keyOf(object), object);
  state.manifest = objects;
  events.push({ type: 'apply', objects: objects.map(keyOf), deleted: deleted.map(keyOf) });
  // Controllers create pods only now, when every object of the release exists.
  const deployments = objects.filter((object) => object.kind === 'Deployment');
  const refused = deployments
    .filter((deployment) => (state.replicas.get(keyOf(deployment)) ?? 0) > 0)
    .map((deployment) => admissionProblem(deployment, state.objects))
    .filter((problem): problem is string => problem !== undefined);
  if (refused.length > 0) throw new HelmError(refused.join('; '), 'admission');
  await executor.applyRelease(objects, state.replicas, deleted);
  reconcileHpas(state);
  if (options.wait) {
    events.push({ type: 'wait' });
    try {
      await executor.waitReady(deployments, (options.timeoutSeconds ?? 300) * 1_000);
    } catch (error) {
      throw new HelmError(`--wait: ${(error as Error).message}`, 'wait');
    }
  }
}

async function attempt(
  body: () => Promise<void>,
  events: Event[],
  disruptions: string[],
): Promise<Outcome> {
  try {
    await body();
    return { ok: true, events, disruptions };
  } catch (error) {
    if (!(error instanceof HelmError)) throw error;
    return { ok: false, error, events, disruptions };
  }
}

/** Helm's order for install, upgrade and rollback: the pre- hooks, the objects, the post- hooks. */
async function hooksAroundApply(
  command: 'install' | 'upgrade' | 'rollback',
  run: ApplyRun,
): Promise<void> {
  const { state, rendered, executor, events } = run;
  await runHooks(state, rendered, `pre-${command}`, executor, events);
  await applyAndWait(run);
  await runHooks(state, rendered, `post-${command}`, executor, events);
}

export function helmInstall(
  state: ClusterState,
  rendered: readonly K8sObject[],
  executor: Executor,
  options: HelmOptions = {},
): Promise<Outcome> {
  const events: Event[] = [];
  const disruptions: string[] = [];
  state.applyMethod = options.clientSide ? 'client-side' : 'server-side';
  return attempt(
    async () => {
      await hooksAroundApply('install', {
        state,
        rendered,
        options,
        executor,
        events,
        disruptions,
      });
      state.revision = 1;
      state.history = [{ revision: 1, status: 'deployed', rendered }];
    },
    events,
    disruptions,
  );
}

/** A new revision: it becomes the deployed one, or is recorded as failed. */
function record(state: ClusterState, rendered: readonly K8sObject[], ok: boolean): void {
  state.revision += 1;
  if (ok)
    for (const revision of state.history)
      if (revision.status === 'deployed') revision.status = 'superseded';
  state.history.push({ revision: state.revision, status: ok ? 'deployed' : 'failed', rendered });
}

/** Helm's rollback to the newest revision that was deployed or superseded. */
async function rollBack(
  state: ClusterState,
  executor: Executor,
  options: HelmOptions,
  events: Event[],
  disruptions: string[],
): Promise<NonNullable<Outcome['rollback']>> {
  const started = Date.now();
  const target = [...state.history]
    .reverse()
    .find((revision) => revision.status === 'deployed' || revision.status === 'superseded');
  if (!target)
    return {
      to: 0,
      ok: false,
      error: new HelmError('no successful release to roll back to', 'hook-failed'),
      ms: 0,
    };
  events.push({ type: 'rollback', to: target.revision });
  const outcome = await attempt(
    () =>
      hooksAroundApply('rollback', {
        state,
        rendered: target.rendered,
        options: { ...options, wait: true },
        executor,
        events,
        disruptions,
      }),
    events,
    disruptions,
  );
  record(state, target.rendered, outcome.ok);
  return { to: target.revision, ok: outcome.ok, error: outcome.error, ms: Date.now() - started };
}

export async function helmUpgrade(
  state: ClusterState,
  rendered: readonly K8sObject[],
  executor: Executor,
  options: HelmOptions = {},
): Promise<Outcome> {
  const events: Event[] = [];
  const disruptions: string[] = [];
  const wait = options.wait || options.rollbackOnFailure;
  const outcome = await attempt(
    () =>
      hooksAroundApply('upgrade', {
        state,
        rendered,
        options: { ...options, wait },
        executor,
        events,
        disruptions,
      }),
    events,
    disruptions,
  );
  record(state, rendered, outcome.ok);
  if (!outcome.ok && options.rollbackOnFailure)
    outcome.rollback = await rollBack(state, executor, options, events, disruptions);
  return outcome;
}

/** `helm test`: the test hooks of the last applied render, in order. */
export function helmTest(
  state: ClusterState,
  rendered: readonly K8sObject[],
  executor: Executor,
): Promise<Outcome> {
  const events: Event[] = [];
  return attempt(() => runHooks(state, rendered, 'test', executor, events), events, []);
}
