// Offline schema validation of rendered objects: kubernetes-models embeds the Kubernetes OpenAPI
// schemas (and @kubernetes-models/* the CRD schemas of prometheus-operator and Gateway API) as
// compiled validators, pinned by the lock file. They check types, enums and required fields;
// like the upstream schemas, they do not reject unknown fields, so fields.ts does, and the name
// rules the API server applies (which no schema states) are checked here.
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Pod, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { unknownFields } from './fields.ts';
import type { K8sObject } from './helm.ts';

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Pod': Pod,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'gateway.networking.k8s.io/v1/HTTPRoute': HTTPRoute,
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function labelProblems(where: string, labels: Record<string, unknown> | undefined): string[] {
  return Object.entries(labels ?? {}).flatMap(([key, value]) => {
    const [prefix, name = ''] = key.includes('/') ? key.split('/', 2) : ['', key];
    const problems: string[] = [];
    if (!(LABEL_NAME.test(name) && name.length <= 63) || (prefix && !DNS_SUBDOMAIN.test(prefix)))
      problems.push(`${where}: label key ${key} is not valid`);
    if (typeof value !== 'string' || !LABEL_VALUE.test(value) || value.length > 63)
      problems.push(`${where}: label ${key}=${String(value)} is not a valid value`);
    return problems;
  });
}

/** The API server's name rules: object names, label keys and values, container and port names. */
function nameProblems(object: K8sObject, id: string): string[] {
  const name = object.metadata?.name ?? '';
  const problems: string[] = [];
  // Services are DNS-1035 labels; objects whose name becomes a pod's prefix or hostname are labels.
  const labelKinds = ['Service', 'Deployment', 'StatefulSet', 'Pod', 'Job'];
  const rule =
    object.kind === 'Service'
      ? DNS_1035_LABEL
      : labelKinds.includes(object.kind)
        ? DNS_LABEL
        : DNS_SUBDOMAIN;
  const max = labelKinds.includes(object.kind) ? 63 : 253;
  if (!rule.test(name) || name.length > max)
    problems.push(`${id}: the name is not a valid ${object.kind} name (${max} characters at most)`);
  problems.push(...labelProblems(id, object.metadata?.labels));
  const pod = object.kind === 'Pod' ? object.spec : object.spec?.template?.spec;
  if (object.spec?.template)
    problems.push(...labelProblems(`${id} pod template`, object.spec.template.metadata?.labels));
  for (const container of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
    if (!DNS_LABEL.test(container.name) || container.name.length > 63)
      problems.push(`${id}: container name ${container.name} is not valid`);
    for (const port of container.ports ?? [])
      if (port.name !== undefined && !(PORT_NAME.test(port.name) && port.name.length <= 15))
        problems.push(`${id}: port name ${port.name} is not valid (15 characters at most)`);
  }
  return problems;
}

/** Problems of one object: empty when it is valid. An unknown kind is a problem too. */
export function schemaProblems(object: K8sObject): string[] {
  const id = `${object.kind}/${object.metadata?.name}`;
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return [`${id}: no schema for ${object.apiVersion} ${object.kind}`];
  const problems = [
    ...nameProblems(object, id),
    ...unknownFields(object).map((problem) => `${id}: ${problem}`),
  ];
  try {
    new Model(object as never).validate();
  } catch (error) {
    problems.push(`${id}: ${(error as Error).message}`);
  }
  return problems;
}
