// The control plane the rehearsal stands in for, acting on the chart's rendered objects: the
// Deployment controller (ReplicaSets by pod-template hash; RollingUpdate with maxSurge,
// maxUnavailable, minReadySeconds and readiness; scale up and down), the endpoints controller
// (each Service's ready pods matching its selector, recomputed on every change and handed to
// HAProxy after a propagation lag), the Gateway's data plane (the HTTPRoute's backendRefs and
// weights, applied with the same lag), and the Job controller for hook Jobs (backoffLimit,
// podFailurePolicy exit codes, activeDeadlineSeconds). It is the Executor the Helm 4 model drives.

import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CHART, parseManifests, type SetValues, setArgs } from '../chart/helm.ts';
import { type Endpoint, HaProxy } from './haproxy.ts';
import {
  admissionProblem,
  type ClusterState,
  type Executor,
  emptyCluster,
  type HelmOptions,
  helmInstall,
  helmTest,
  helmUpgrade,
  hpaScale,
  type Outcome,
} from './helm4-model.ts';
import { Pod, runToCompletion } from './kubelet.ts';
import { type K8sObject, keyOf, selects } from './manifests.ts';
import {
  imageTag,
  mountedFiles,
  resolveEnv,
  rewriteMountPaths,
  rewriteServiceUrls,
  templateHash,
} from './pods.ts';

export interface ClusterInit {
  /** Where logs go (one file per pod and Job run). */
  dir: string;
  helm: string;
  /** The folder holding the code of an image tag (the two releases). */
  codeDir: (tag: string) => string;
  /** Services HAProxy listens for (it is configured once, before any render). */
  services: string[];
  /** The Service the ingress front routes to. */
  ingressService: string;
  /**
   * How long a change of endpoints takes to reach the proxies (kube-proxy and ingress
   * controllers watch EndpointSlices; a second or so on a busy cluster).
   */
  endpointLagMs?: number;
  /** Helm's --post-renderer: rewrites the rendered objects before Helm uses them. */
  postRender?: (objects: K8sObject[]) => K8sObject[];
}

interface DeploymentRecord {
  object: K8sObject;
  desired: number;
  hash: string;
  pods: Map<string, Pod[]>;
}

const TICK_MS = 200;

/** The backend of HAProxy's Gateway front. */
const GATEWAY_BACKEND = 'gw-endpoints';

/** Called with a Service's endpoints each time they reach the proxies (after the lag). */
export type EndpointsListener = (service: string, endpoints: Endpoint[]) => void;

function resolveIntOrPercent(value: string | number | undefined, of: number, roundUp: boolean) {
  if (value === undefined) return Math.max(1, Math.floor(of / 4));
  if (typeof value === 'number') return value;
  const percent = Number(value.replace('%', ''));
  const exact = (percent * of) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export class Cluster implements Executor {
  readonly state: ClusterState = emptyCluster();
  readonly proxy: HaProxy;
  readonly deployments = new Map<string, DeploymentRecord>();
  readonly events: { at: number; what: string }[] = [];
  /** Every hook Job and Pod run, with its log file: a Job's verdict is read from it. */
  readonly runs: {
    name: string;
    log: string;
    status: number | string;
    from: number;
    to: number;
  }[] = [];
  private readonly init: ClusterInit;
  private readonly subnet: string;
  private nextIp = 2;
  private podCounter = 0;
  private jobRuns = 0;
  private timer: NodeJS.Timeout;
  private stopped = false;
  /** Names outside the release (another namespace's Service) → their address here. */
  private readonly otherServices = new Map<string, string>();
  private readonly endpointsListeners: EndpointsListener[] = [];

  private constructor(init: ClusterInit, proxy: HaProxy) {
    this.init = init;
    this.proxy = proxy;
    // Pods get addresses of their own on the loopback network, so each listens on its declared
    // ports as it would in its own network namespace.
    this.subnet = `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}`;
    this.timer = setInterval(() => this.reconcile(), TICK_MS);
  }

  static async start(init: ClusterInit): Promise<Cluster> {
    mkdirSync(join(init.dir, 'pods'), { recursive: true });
    const proxy = await HaProxy.start(init.dir, init.services, init.ingressService);
    return new Cluster(init, proxy);
  }

  note(what: string): void {
    this.events.push({ at: Date.now(), what });
    // REHEARSAL_VERBOSE=1 follows a rehearsal live.
    if (process.env.REHEARSAL_VERBOSE) process.stderr.write(`[rehearsal] ${what}\n`);
  }

  /**
   * A Service outside the release (`http://<name>.<namespace>:<port>` in a value) reachable at
   * this address, e.g. the monitoring namespace's Prometheus.
   */
  addOtherService(name: string, address: string): void {
    this.otherServices.set(name, address);
  }

  /** What a watcher of EndpointSlices sees (a ServiceMonitor's Prometheus), with the same lag. */
  onEndpoints(listener: EndpointsListener): void {
    this.endpointsListeners.push(listener);
  }

  // ---- helm, through the model ----

  /** `helm template`, without blocking the event loop: the load and the probes keep running. */
  async render(values: SetValues): Promise<K8sObject[]> {
    const { stdout } = await promisify(execFile)(
      this.init.helm,
      ['template', 'myapp', CHART, '--namespace', 'shop', ...setArgs(values)],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const objects = parseManifests(stdout);
    return this.init.postRender ? this.init.postRender(objects) : objects;
  }

  async install(values: SetValues, options?: HelmOptions): Promise<Outcome> {
    this.note('helm install');
    const outcome = await helmInstall(this.state, await this.render(values), this, options);
    this.note(`helm install: ${outcome.ok ? 'ok' : outcome.error?.message}`);
    return outcome;
  }

  async upgrade(values: SetValues, options?: HelmOptions): Promise<Outcome> {
    this.note('helm upgrade');
    const outcome = await helmUpgrade(this.state, await this.render(values), this, options);
    this.note(`helm upgrade: ${outcome.ok ? 'ok' : outcome.error?.message}`);
    return outcome;
  }

  async test(values: SetValues): Promise<Outcome> {
    const outcome = await helmTest(this.state, await this.render(values), this);
    this.note(`helm test: ${outcome.ok ? 'ok' : outcome.error?.message}`);
    return outcome;
  }

  /** The HPA (or `kubectl scale`) sets a Deployment's replicas. */
  scale(deployment: string, replicas: number): void {
    const record = this.deployments.get(deployment);
    if (!record) throw new Error(`no Deployment ${deployment}`);
    hpaScale(this.state, deployment, replicas);
    record.desired = replicas;
    this.note(`scale ${deployment} to ${replicas}`);
  }

  // ---- Executor ----

  async applyRelease(
    applied: K8sObject[],
    replicas: ReadonlyMap<string, number>,
    deleted: K8sObject[],
  ): Promise<void> {
    for (const object of applied) {
      if (object.kind !== 'Deployment') continue;
      const name = object.metadata.name;
      const desired = replicas.get(keyOf(object)) ?? 1;
      const hash = templateHash(object.spec.template);
      const record = this.deployments.get(name);
      if (record) {
        record.object = object;
        record.desired = desired;
        record.hash = hash;
      } else {
        this.deployments.set(name, { object, desired, hash, pods: new Map() });
      }
    }
    for (const object of deleted)
      if (object.kind === 'Deployment') {
        const record = this.deployments.get(object.metadata.name);
        if (record) record.desired = 0;
      }
    this.reconcile();
    this.syncEndpoints();
  }

  async waitReady(deployments: K8sObject[], timeoutMs = 180_000): Promise<void> {
    const started = Date.now();
    while (!deployments.every((d) => this.rolledOut(d.metadata.name))) {
      if (Date.now() - started > timeoutMs)
        throw new Error(
          `timed out waiting for ${deployments
            .filter((d) => !this.rolledOut(d.metadata.name))
            .map(keyOf)
            .join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
  }

  async runHookJob(job: K8sObject): Promise<void> {
    const spec = job.spec;
    const deadline = Date.now() + (spec.activeDeadlineSeconds ?? 600) * 1_000;
    const failJobCodes: number[] = (spec.podFailurePolicy?.rules ?? [])
      .filter((rule: { action: string }) => rule.action === 'FailJob')
      .flatMap((rule: { onExitCodes?: { values: number[] } }) => rule.onExitCodes?.values ?? []);
    const attempts = (spec.backoffLimit ?? 6) + 1;
    let last: number | string = 'never ran';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      last = await this.runPodToCompletion(job, spec.template.spec, deadline - Date.now());
      if (last === 0) return;
      if (typeof last === 'number' && failJobCodes.includes(last)) break;
      if (Date.now() >= deadline) break;
      // The Job controller's back-off starts at 10 s; a second keeps the rehearsal short.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    throw new Error(`Job ${job.metadata.name} failed (last exit ${last})`);
  }

  async runHookPod(pod: K8sObject): Promise<void> {
    const status = await this.runPodToCompletion(pod, pod.spec, 60_000);
    if (status !== 0) throw new Error(`pod ${pod.metadata.name} exited ${status}`);
  }

  private async runPodToCompletion(
    owner: K8sObject,
    // biome-ignore lint/suspicious/noExplicitAny: a rendered pod spec
    spec: any,
    deadlineMs: number,
  ): Promise<number | string> {
    const container = spec.containers[0];
    const run = ++this.jobRuns;
    // Mounted ConfigMaps and Secrets become files in a folder of the run's own; values that
    // name a path under a mount are rewritten to it (a process cannot mount at /etc).
    const mounts = new Map<string, string>();
    for (const file of mountedFiles(spec, container, this.state.objects)) {
      const local = join(this.init.dir, 'volumes', `${owner.metadata.name}-${run}`, file.volume);
      mkdirSync(local, { recursive: true });
      writeFileSync(join(local, file.key), file.content);
      mounts.set(file.mountPath, local);
    }
    const env = rewriteMountPaths(this.containerEnv(container, '127.0.0.1'), mounts);
    const log = join(this.init.dir, 'pods', `${owner.metadata.name}-${run}.log`);
    this.note(`run ${keyOf(owner)}`);
    const from = Date.now();
    const status = await runToCompletion(
      container,
      env,
      this.init.codeDir(imageTag(container.image)),
      log,
      Math.max(deadlineMs, 1_000),
    );
    this.runs.push({ name: owner.metadata.name, log, status, from, to: Date.now() });
    this.note(`${keyOf(owner)} exited ${status}`);
    if (status !== 0) this.note(readFileSync(log, 'utf8').slice(-2_000));
    return status;
  }

  // ---- controllers ----

  // biome-ignore lint/suspicious/noExplicitAny: a rendered container spec
  private containerEnv(container: any, ip: string): Record<string, string> {
    const env = rewriteServiceUrls(
      resolveEnv(container, this.state.objects),
      (service) => this.proxy.serviceAddress(service) ?? this.otherServices.get(service),
    );
    return {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...env,
      // The one deviation from the spec: a pod's own network namespace would make 0.0.0.0 its
      // address; here each pod binds the loopback address it was given.
      HOST: ip,
    };
  }

  private live(record: DeploymentRecord): { current: Pod[]; old: Pod[] } {
    const current: Pod[] = [];
    const old: Pod[] = [];
    for (const [hash, pods] of record.pods) {
      const alive = pods.filter((pod) => pod.phase === 'starting' || pod.phase === 'running');
      record.pods.set(
        hash,
        pods.filter((pod) => pod.phase !== 'gone'),
      );
      (hash === record.hash ? current : old).push(...alive);
    }
    return { current, old };
  }

  private isAvailable(record: DeploymentRecord, pod: Pod): boolean {
    const minReady = (record.object.spec.minReadySeconds ?? 0) * 1_000;
    return pod.available && pod.readySince !== undefined && Date.now() - pod.readySince >= minReady;
  }

  rolledOut(name: string): boolean {
    const record = this.deployments.get(name);
    if (!record) return false;
    const { current, old } = this.live(record);
    return (
      old.length === 0 &&
      current.length === record.desired &&
      current.every((pod) => this.isAvailable(record, pod))
    );
  }

  /** `kubectl delete pod` (or an eviction): the kubelet terminates it, the ReplicaSet replaces it. */
  deletePod(pod: Pod): Promise<{ status: number | string; killed: boolean; ms: number }> {
    this.note(`delete pod ${pod.name}`);
    return pod.terminate();
  }

  /** Image tag → ready pods behind a Service right now. */
  servingTags(service: string): Record<string, number> {
    const tags: Record<string, number> = {};
    const object = this.state.objects.get(`Service/${service}`);
    for (const record of this.deployments.values())
      for (const pod of [...record.pods.values()].flat())
        if (object && pod.available && selects(object.spec.selector, pod.labels)) {
          const tag = imageTag(pod.container.image);
          tags[tag] = (tags[tag] ?? 0) + 1;
        }
    return tags;
  }

  /** Ready pods of a Deployment right now. */
  readyPods(name: string): Pod[] {
    const record = this.deployments.get(name);
    return record ? [...record.pods.values()].flat().filter((pod) => pod.available) : [];
  }

  private createPod(record: DeploymentRecord): boolean {
    const problem = admissionProblem(record.object, this.state.objects);
    if (problem) {
      this.note(`FailedCreate: ${problem}`);
      return false;
    }
    const template = record.object.spec.template;
    const container = template.spec.containers[0];
    const ip = `${this.subnet}.${this.nextIp++}`;
    let env: Record<string, string>;
    try {
      env = this.containerEnv(container, ip);
    } catch (error) {
      this.note(
        `CreateContainerConfigError ${record.object.metadata.name}: ${(error as Error).message}`,
      );
      return false;
    }
    const pod = new Pod({
      name: `${record.object.metadata.name}-${record.hash}-${++this.podCounter}`,
      labels: { ...template.metadata.labels, 'pod-template-hash': record.hash },
      ip,
      spec: template.spec,
      env,
      codeDir: this.init.codeDir(imageTag(container.image)),
      logDir: join(this.init.dir, 'pods'),
      onChange: () => this.syncEndpoints(),
    });
    const pods = record.pods.get(record.hash) ?? [];
    pods.push(pod);
    record.pods.set(record.hash, pods);
    pod.start();
    return true;
  }

  /** Kubernetes' deletion ranking: not ready before ready, then the most recently ready. */
  private pickVictims(pods: Pod[], count: number): Pod[] {
    return [...pods]
      .sort(
        (a, b) =>
          Number(a.available) - Number(b.available) || (b.readySince ?? 0) - (a.readySince ?? 0),
      )
      .slice(0, Math.max(0, count));
  }

  private remove(pods: Pod[]): void {
    for (const pod of pods) void pod.terminate();
  }

  private reconcile(): void {
    if (this.stopped) return;
    for (const record of this.deployments.values()) {
      const { current, old } = this.live(record);
      const desired = record.desired;
      const strategy = record.object.spec.strategy?.rollingUpdate ?? {};
      let maxSurge = resolveIntOrPercent(strategy.maxSurge, desired, true);
      const maxUnavailable = resolveIntOrPercent(strategy.maxUnavailable, desired, false);
      if (maxSurge === 0 && maxUnavailable === 0) maxSurge = 1;
      const total = current.length + old.length;
      if (current.length > desired) {
        this.remove(this.pickVictims(current, current.length - desired));
        continue;
      }
      if (current.length < desired) {
        const room = old.length === 0 ? desired - current.length : desired + maxSurge - total;
        for (let i = 0; i < Math.min(room, desired - current.length); i++)
          if (!this.createPod(record)) break;
      }
      if (old.length > 0) {
        const minAvailable = desired - maxUnavailable;
        const newUnavailable = current.filter((pod) => !this.isAvailable(record, pod)).length;
        const available = [...current, ...old].filter((pod) => this.isAvailable(record, pod));
        // Old pods that are not available cost no availability: they go first.
        const unhealthyOld = old.filter((pod) => !this.isAvailable(record, pod));
        const budget = Math.max(
          0,
          Math.min(total - minAvailable - newUnavailable, available.length - minAvailable),
        );
        const victims = [
          ...unhealthyOld.slice(0, Math.max(0, total - desired)),
          ...this.pickVictims(
            old.filter((pod) => this.isAvailable(record, pod)),
            budget,
          ),
        ];
        this.remove(victims);
      }
    }
  }

  private endpointsOf(service: K8sObject | undefined): Endpoint[] {
    if (!service) return [];
    const endpoints: Endpoint[] = [];
    const target = service.spec.ports?.[0]?.targetPort ?? service.spec.ports?.[0]?.port;
    for (const record of this.deployments.values())
      for (const pod of [...record.pods.values()].flat())
        if (pod.available && selects(service.spec.selector, pod.labels))
          endpoints.push({ ip: pod.ip, port: pod.port(target) });
    return endpoints;
  }

  /**
   * The Gateway's servers: every HTTPRoute backendRef's endpoints, each weighted by its ref's
   * weight shared among them (a Gateway picks a ref by weight, then an endpoint), in HAProxy's
   * 1–256. A ref of weight 0 gets no traffic; without an HTTPRoute the Gateway has no backends.
   */
  gatewayEndpoints(): Endpoint[] {
    const weights = new Map<string, Endpoint>();
    for (const object of this.state.objects.values()) {
      if (object.kind !== 'HTTPRoute') continue;
      for (const rule of object.spec.rules ?? [])
        for (const ref of rule.backendRefs ?? []) {
          const weight = ref.weight ?? 1;
          const endpoints = this.endpointsOf(this.state.objects.get(`Service/${ref.name}`));
          if (weight === 0 || endpoints.length === 0) continue;
          for (const endpoint of endpoints) {
            const key = `${endpoint.ip}:${endpoint.port}`;
            const share = (weight * 256) / 100 / endpoints.length;
            const before = weights.get(key)?.weight ?? 0;
            weights.set(key, { ...endpoint, weight: before + share });
          }
        }
    }
    return [...weights.values()].map((endpoint) => ({
      ...endpoint,
      weight: Math.min(256, Math.max(1, Math.round(endpoint.weight ?? 1))),
    }));
  }

  /** Endpoints now, handed to the proxies (and to endpoint watchers) after the propagation lag. */
  private syncEndpoints(): void {
    const lag = this.init.endpointLagMs ?? 1_000;
    const snapshot = new Map<string, Endpoint[]>();
    for (const name of this.init.services)
      snapshot.set(`svc-${name}`, this.endpointsOf(this.state.objects.get(`Service/${name}`)));
    snapshot.set(
      'ing-endpoints',
      this.endpointsOf(this.state.objects.get(`Service/${this.init.ingressService}`)),
    );
    snapshot.set(GATEWAY_BACKEND, this.gatewayEndpoints());
    setTimeout(() => {
      if (this.stopped) return;
      for (const [backend, endpoints] of snapshot) {
        void this.proxy.setEndpoints(backend, endpoints).catch((error) => this.note(String(error)));
        if (backend.startsWith('svc-'))
          for (const listener of this.endpointsListeners)
            listener(backend.slice('svc-'.length), endpoints);
      }
    }, lag);
  }

  /** Every pod's process gone and HAProxy stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const pods = [...this.deployments.values()].flatMap((record) =>
      [...record.pods.values()].flat(),
    );
    await Promise.all(pods.map((pod) => pod.kill()));
    await this.proxy.stop();
  }
}
