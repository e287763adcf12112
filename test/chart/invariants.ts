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

/**
 * No Deployment an HPA scales says `replicas`, not even 0 for a scaled-down colour: under
 * Helm 4's server-side apply the HPA (kube-controller-manager) owns spec.replicas once it has
 * scaled, and applying any value is a field conflict. A colour at 0 is removed instead.
 */
function replicasFightingHpa(rendered: Rendered): string[] {
  const scaled = new Set(
    rendered
      .ofKind('HorizontalPodAutoscaler')
      .filter((hpa) => hpa.spec.scaleTargetRef?.kind === 'Deployment')
      .map((hpa) => hpa.spec.scaleTargetRef.name as string),
  );
  return rendered
    .ofKind('Deployment')
    .filter((deployment) => scaled.has(deployment.metadata.name))
    .filter((deployment) => 'replicas' in deployment.spec)
    .map((deployment) => `Deployment/${deployment.metadata.name} sets replicas under autoscaling`);
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

/** The kind/name of every ServiceAccount, Secret and ConfigMap a pod spec needs to start. */
function podReferences(spec: Any): string[] {
  const references = [`ServiceAccount/${spec.serviceAccountName ?? 'default'}`];
  for (const secret of spec.imagePullSecrets ?? []) references.push(`Secret/${secret.name}`);
  for (const volume of spec.volumes ?? []) {
    if (volume.secret) references.push(`Secret/${volume.secret.secretName}`);
    if (volume.configMap) references.push(`ConfigMap/${volume.configMap.name}`);
  }
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
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
  return [...new Set(references)];
}

/**
 * A hook runs before the release's own objects exist (pre-*) or beside them (post-*, test):
 * every ServiceAccount (admission refuses a pod whose account does not exist), Secret or
 * ConfigMap its pods need must be a hook of every one of its events with a lower weight, a
 * release object (post-* and test hooks only), or not the chart's at all (it exists already).
 * A Job that is no Helm hook must be an Argo CD hook (it runs once per sync).
 */
function hookReferenceProblems(rendered: Rendered): string[] {
  const problems: string[] = [];
  const byName = new Map(
    rendered.objects
      .filter((object) => ['Secret', 'ConfigMap', 'ServiceAccount'].includes(object.kind))
      .map((object) => [`${object.kind}/${object.metadata.name}`, object]),
  );
  for (const { id, spec, object } of podSpecs(rendered)) {
    const events = hookEvents(object);
    if (events.length === 0) {
      if (object.kind === 'Job' && !object.metadata.annotations?.['argocd.argoproj.io/hook'])
        problems.push(`${id} is neither a Helm nor an Argo CD hook`);
      continue;
    }
    for (const reference of podReferences(spec)) {
      const target = byName.get(reference);
      if (!target) continue; // not the chart's: it exists before the release
      const targetEvents = hookEvents(target);
      if (targetEvents.length === 0) {
        if (events.some((event) => event.startsWith('pre-')))
          problems.push(`${id} (${events}) needs ${reference}, which exists only after the hook`);
        continue;
      }
      const missing = events.filter((event) => !targetEvents.includes(event));
      if (missing.length > 0)
        problems.push(`${id} needs ${reference}, which is not created for ${missing.join(', ')}`);
      if (!(hookWeight(target) < hookWeight(object)))
        problems.push(`${id} needs ${reference}, whose weight is not lower`);
    }
  }
  return problems;
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined && Object.entries(selector).every(([key, value]) => labels[key] === value);

/**
 * Selectors that select what they are for: a controller's selector matches its own pod template
 * (the API server refuses it otherwise), and every Service, PDB, NetworkPolicy and HPA of the
 * render reaches pods (or the Deployment) the same render runs.
 */
function selectorProblems(rendered: Rendered): string[] {
  const problems: string[] = [];
  const templates = rendered.objects.flatMap((object) =>
    object.spec?.template?.metadata?.labels
      ? [{ object, labels: object.spec.template.metadata.labels as Record<string, string> }]
      : object.kind === 'Pod'
        ? [{ object, labels: object.metadata.labels ?? {} }]
        : [],
  );
  for (const { object, labels } of templates) {
    const selector = object.spec?.selector?.matchLabels;
    if (object.kind !== 'Job' && object.kind !== 'Pod' && !matches(selector, labels))
      problems.push(
        `${object.kind}/${object.metadata.name}: its selector does not match its pod labels`,
      );
  }
  const reaches = (selector: Record<string, string> | undefined) =>
    templates.some(({ labels }) => matches(selector, labels));
  for (const service of rendered.ofKind('Service'))
    if (service.spec.selector && !reaches(service.spec.selector))
      problems.push(`Service/${service.metadata.name} selects no pods of the release`);
  for (const pdb of rendered.ofKind('PodDisruptionBudget'))
    if (!reaches(pdb.spec.selector.matchLabels))
      problems.push(`PodDisruptionBudget/${pdb.metadata.name} selects no pods of the release`);
  for (const policy of rendered.ofKind('NetworkPolicy'))
    if (!templates.some(({ labels }) => matches(policy.spec.podSelector.matchLabels, labels)))
      problems.push(`NetworkPolicy/${policy.metadata.name} selects no pods of the release`);
  const deployments = new Set(rendered.ofKind('Deployment').map((d) => d.metadata.name));
  for (const hpa of rendered.ofKind('HorizontalPodAutoscaler'))
    if (!deployments.has(hpa.spec.scaleTargetRef.name))
      problems.push(
        `HorizontalPodAutoscaler/${hpa.metadata.name} scales a Deployment the release does not have`,
      );
  return problems;
}

/** Every invariant at once. */
export function allProblems(rendered: Rendered): string[] {
  return [
    ...invalidObjects(rendered),
    ...selectorProblems(rendered),
    ...unhardenedPods(rendered),
    ...duplicateEnvNames(rendered),
    ...replicasFightingHpa(rendered),
    ...unsafeShutdowns(rendered),
    ...hookReferenceProblems(rendered),
  ];
}
