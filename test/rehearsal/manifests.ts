// What the rehearsal reads from `helm template` output: hooks and their order, the pod specs of
// Deployments and Jobs, and the objects a pod refers to (ServiceAccount, Secrets, ConfigMaps).
import type { K8sObject } from '../chart/helm.ts';

export type { K8sObject };

/** `Kind/name`: how the model names an object (one namespace, so no namespace in the key). */
export function keyOf(object: Pick<K8sObject, 'kind' | 'metadata'>): string {
  return `${object.kind}/${object.metadata.name}`;
}

export type HookEvent =
  | 'pre-install'
  | 'post-install'
  | 'pre-upgrade'
  | 'post-upgrade'
  | 'pre-rollback'
  | 'post-rollback'
  | 'test';

function hookEvents(object: K8sObject): HookEvent[] {
  const value = object.metadata.annotations?.['helm.sh/hook'];
  if (!value) return [];
  return value.split(',').map((event) => event.trim() as HookEvent);
}

function hookWeight(object: K8sObject): number {
  return Number(object.metadata.annotations?.['helm.sh/hook-weight'] ?? 0);
}

export function hookDeletePolicies(object: K8sObject): string[] {
  const value = object.metadata.annotations?.['helm.sh/hook-delete-policy'];
  // Helm's default when none is given.
  return value ? value.split(',').map((policy) => policy.trim()) : ['before-hook-creation'];
}

// Helm's InstallOrder (pkg/release/v1/util/kind_sorter.go): the order in which it submits the
// release's objects, and the tie-break between hooks of equal weight.
const INSTALL_ORDER = [
  'PriorityClass',
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

function kindRank(kind: string): number {
  const index = INSTALL_ORDER.indexOf(kind);
  // Unknown kinds (CRD instances) go last, as in Helm.
  return index === -1 ? INSTALL_ORDER.length : index;
}

/** The hooks of one event in the order Helm runs them: weight, then kind, then name. */
export function hooksFor(objects: readonly K8sObject[], event: HookEvent): K8sObject[] {
  return objects
    .filter((object) => hookEvents(object).includes(event))
    .sort(
      (a, b) =>
        hookWeight(a) - hookWeight(b) ||
        kindRank(a.kind) - kindRank(b.kind) ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
}

/** The release's own objects (everything that is not a hook), in Helm's install order. */
export function releaseObjects(objects: readonly K8sObject[]): K8sObject[] {
  return objects
    .filter((object) => hookEvents(object).length === 0)
    .sort((a, b) => kindRank(a.kind) - kindRank(b.kind));
}

/** The pod template of a workload, or the pod itself. */
// biome-ignore lint/suspicious/noExplicitAny: rendered specs are validated by their schemas in test/chart
export function podSpecOf(object: K8sObject): any | undefined {
  if (object.kind === 'Pod') return object.spec;
  return object.spec?.template?.spec;
}

export interface PodReference {
  kind: 'ServiceAccount' | 'Secret' | 'ConfigMap';
  name: string;
  /** Where in the pod spec, for the error message. */
  from: string;
  /** `optional: true` references do not stop a pod. */
  optional: boolean;
}

/** Every object a pod spec needs before its containers can start. */
// biome-ignore lint/suspicious/noExplicitAny: as above
export function podReferences(spec: any): PodReference[] {
  const refs: PodReference[] = [
    {
      kind: 'ServiceAccount',
      name: spec.serviceAccountName ?? 'default',
      from: 'spec.serviceAccountName',
      optional: false,
    },
  ];
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const env of container.env ?? []) {
      const secret = env.valueFrom?.secretKeyRef;
      if (secret)
        refs.push({
          kind: 'Secret',
          name: secret.name,
          from: `${container.name} env ${env.name}`,
          optional: secret.optional === true,
        });
      const config = env.valueFrom?.configMapKeyRef;
      if (config)
        refs.push({
          kind: 'ConfigMap',
          name: config.name,
          from: `${container.name} env ${env.name}`,
          optional: config.optional === true,
        });
    }
    for (const source of container.envFrom ?? []) {
      if (source.secretRef)
        refs.push({
          kind: 'Secret',
          name: source.secretRef.name,
          from: `${container.name} envFrom`,
          optional: source.secretRef.optional === true,
        });
      if (source.configMapRef)
        refs.push({
          kind: 'ConfigMap',
          name: source.configMapRef.name,
          from: `${container.name} envFrom`,
          optional: source.configMapRef.optional === true,
        });
    }
  }
  for (const volume of spec.volumes ?? []) {
    if (volume.secret)
      refs.push({
        kind: 'Secret',
        name: volume.secret.secretName,
        from: `volume ${volume.name}`,
        optional: volume.secret.optional === true,
      });
    if (volume.configMap)
      refs.push({
        kind: 'ConfigMap',
        name: volume.configMap.name,
        from: `volume ${volume.name}`,
        optional: volume.configMap.optional === true,
      });
  }
  return refs;
}

/** Whether a Service-style selector matches a set of labels. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}
