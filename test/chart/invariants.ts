// What must hold for every render of the chart, whatever the values: each function returns the
// problems it finds (empty: fine), so one test can report all of them at once.
import type { K8sObject, Rendered } from './helm.ts';
import { schemaProblems } from './validate.ts';

// biome-ignore lint/suspicious/noExplicitAny: parts of rendered objects
type Any = any;

/** The pod specs of every object that runs pods, with where they come from. */
function podSpecs(rendered: Rendered): { id: string; spec: Any; object: K8sObject }[] {
  return rendered.objects.flatMap((object) => {
    const id = `${object.kind}/${object.metadata.name}`;
    if (object.kind === 'Pod') return [{ id, spec: object.spec, object }];
    const spec = object.spec?.template?.spec;
    return spec ? [{ id, spec, object }] : [];
  });
}

function invalidObjects(rendered: Rendered): string[] {
  return rendered.objects.flatMap(schemaProblems);
}

/** runAsNonRoot, read-only root, no escalation, all capabilities dropped, RuntimeDefault seccomp, no token. */
function unhardenedPods(rendered: Rendered): string[] {
  const problems: string[] = [];
  for (const { id, spec } of podSpecs(rendered)) {
    const pod = spec.securityContext ?? {};
    if (pod.runAsNonRoot !== true) problems.push(`${id}: pod runAsNonRoot is not true`);
    if (!(pod.runAsUser > 0)) problems.push(`${id}: pod runAsUser is not a non-root uid`);
    if (pod.seccompProfile?.type !== 'RuntimeDefault')
      problems.push(`${id}: pod seccompProfile is not RuntimeDefault`);
    if (spec.automountServiceAccountToken !== false)
      problems.push(`${id}: the service account token is mounted`);
    for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
      const where = `${id} container ${container.name}`;
      const context = container.securityContext ?? {};
      if (context.allowPrivilegeEscalation !== false)
        problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (context.readOnlyRootFilesystem !== true)
        problems.push(`${where}: readOnlyRootFilesystem is not true`);
      if (context.privileged === true) problems.push(`${where}: privileged`);
      if (!context.capabilities?.drop?.includes('ALL'))
        problems.push(`${where}: capabilities do not drop ALL`);
      if (context.capabilities?.add?.length) problems.push(`${where}: adds capabilities`);
      if (!container.resources?.limits?.memory) problems.push(`${where}: no memory limit`);
    }
  }
  return problems;
}

function duplicateEnvNames(rendered: Rendered): string[] {
  const problems: string[] = [];
  for (const { id, spec } of podSpecs(rendered)) {
    for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
      const names = (container.env ?? []).map((entry: Any) => entry.name as string);
      const repeated = names.filter((name: string, index: number) => names.indexOf(name) !== index);
      if (repeated.length > 0)
        problems.push(`${id} container ${container.name}: ${repeated.join(', ')} set twice`);
    }
  }
  return problems;
}

/** A Deployment an HPA scales must not say `replicas` (every upgrade would reset the HPA's count). */
function replicasFightingHpa(rendered: Rendered): string[] {
  const scaled = new Set(
    rendered.ofKind('HorizontalPodAutoscaler').map((hpa) => hpa.spec.scaleTargetRef.name as string),
  );
  return rendered
    .ofKind('Deployment')
    .filter((deployment) => scaled.has(deployment.metadata.name) && 'replicas' in deployment.spec)
    .map((deployment) => `Deployment/${deployment.metadata.name} sets replicas under an HPA`);
}

/** The app's shutdown numbers of one app Deployment, read back from the rendered object. */
export function shutdownTiming(deployment: K8sObject) {
  const spec = deployment.spec.template.spec;
  const container = spec.containers[0];
  const env = (name: string) =>
    Number(container.env.find((entry: Any) => entry.name === name)?.value ?? Number.NaN);
  const preStop = container.lifecycle.preStop;
  return {
    preStopSeconds: Number(preStop.sleep?.seconds ?? preStop.exec?.command?.[1]),
    drainSeconds: env('DRAIN_DELAY_MS') / 1000,
    shutdownTimeoutSeconds: env('SHUTDOWN_TIMEOUT_MS') / 1000,
    graceSeconds: spec.terminationGracePeriodSeconds as number,
  };
}

/** grace ≥ preStop + the app's whole shutdown (drain + finish) + a margin; drain < shutdown. */
function unsafeShutdowns(rendered: Rendered): string[] {
  return rendered
    .ofKind('Deployment')
    .filter((deployment) => deployment.metadata.labels?.['app.kubernetes.io/component'] === 'api')
    .flatMap((deployment) => {
      const t = shutdownTiming(deployment);
      const id = `Deployment/${deployment.metadata.name}`;
      const problems: string[] = [];
      if (!(t.graceSeconds >= t.preStopSeconds + t.shutdownTimeoutSeconds + 1))
        problems.push(
          `${id}: grace ${t.graceSeconds} s < preStop ${t.preStopSeconds} s + shutdown ${t.shutdownTimeoutSeconds} s + margin`,
        );
      if (!(t.drainSeconds > 0 && t.drainSeconds < t.shutdownTimeoutSeconds))
        problems.push(
          `${id}: drain ${t.drainSeconds} s is not within the shutdown timeout ${t.shutdownTimeoutSeconds} s`,
        );
      if (t.preStopSeconds !== t.drainSeconds)
        problems.push(
          `${id}: preStop ${t.preStopSeconds} s and drain ${t.drainSeconds} s come from different values`,
        );
      return problems;
    });
}

const hookEvents = (object: K8sObject) =>
  (object.metadata.annotations?.['helm.sh/hook'] ?? '').split(',').filter(Boolean);
const hookWeight = (object: K8sObject) =>
  Number(object.metadata.annotations?.['helm.sh/hook-weight'] ?? 0);

/**
 * A hook Job runs before the release's own objects exist (pre-*) or beside them (post-*): every
 * Secret or ConfigMap it reads must be a hook of the same events with a lower weight, a release
 * object (post-* hooks only), or not the chart's at all (an existing Secret).
 */
function hookConfigProblems(rendered: Rendered): string[] {
  const problems: string[] = [];
  const byName = new Map(
    rendered.objects
      .filter((object) => object.kind === 'Secret' || object.kind === 'ConfigMap')
      .map((object) => [`${object.kind}/${object.metadata.name}`, object]),
  );
  for (const job of rendered.ofKind('Job')) {
    const events = hookEvents(job);
    if (events.length === 0) {
      problems.push(`Job/${job.metadata.name} is not a hook`);
      continue;
    }
    const spec = job.spec.template.spec;
    const references: string[] = [];
    for (const container of spec.containers) {
      for (const entry of container.env ?? []) {
        if (entry.valueFrom?.secretKeyRef)
          references.push(`Secret/${entry.valueFrom.secretKeyRef.name}`);
        if (entry.valueFrom?.configMapKeyRef)
          references.push(`ConfigMap/${entry.valueFrom.configMapKeyRef.name}`);
      }
      for (const source of container.envFrom ?? []) {
        if (source.secretRef) references.push(`Secret/${source.secretRef.name}`);
        if (source.configMapRef) references.push(`ConfigMap/${source.configMapRef.name}`);
      }
    }
    for (const reference of references) {
      const target = byName.get(reference);
      if (!target) continue; // not the chart's: an existing Secret
      const targetEvents = hookEvents(target);
      if (targetEvents.length === 0) {
        if (events.some((event) => event.startsWith('pre-')))
          problems.push(
            `Job/${job.metadata.name} (${events}) reads ${reference}, which exists only after the hook`,
          );
        continue;
      }
      const missing = events.filter((event) => !targetEvents.includes(event));
      if (missing.length > 0)
        problems.push(
          `Job/${job.metadata.name} reads ${reference}, which is not created for ${missing.join(', ')}`,
        );
      if (!(hookWeight(target) < hookWeight(job)))
        problems.push(`Job/${job.metadata.name} reads ${reference}, whose weight is not lower`);
    }
  }
  return problems;
}

/** Every invariant at once. */
export function allProblems(rendered: Rendered): string[] {
  return [
    ...invalidObjects(rendered),
    ...unhardenedPods(rendered),
    ...duplicateEnvNames(rendered),
    ...replicasFightingHpa(rendered),
    ...unsafeShutdowns(rendered),
    ...hookConfigProblems(rendered),
  ];
}
