// What a container of a rendered pod spec runs: its environment resolved the way the kubelet does
// (envFrom first, then env, which wins; secretKeyRef and configMapKeyRef read from the objects
// that exist), its command (the container's, else the image's CMD) and its named ports.
// Cluster DNS is one thing a process here cannot have: `http://<service>:<port>` in an env value
// is rewritten to that Service's address on this machine. Mounts are the other: a run-to-completion
// container's ConfigMap and Secret volumes are files in a folder of its own, and env values naming
// a path under the mount point are rewritten to that folder.
import type { K8sObject } from './manifests.ts';

/** The Dockerfile's `CMD ["node", "app/main.ts"]` (its ENTRYPOINT is cleared). */
export const IMAGE_CMD = ['node', 'app/main.ts'];

export class ContainerConfigError extends Error {}

function decode(secret: K8sObject, key: string): string | undefined {
  const data = secret.data?.[key];
  if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
  return secret.stringData?.[key];
}

function lookup(
  objects: ReadonlyMap<string, K8sObject>,
  kind: 'Secret' | 'ConfigMap',
  name: string,
  key: string,
  optional: boolean,
): string | undefined {
  const object = objects.get(`${kind}/${name}`);
  if (!object) {
    if (optional) return undefined;
    throw new ContainerConfigError(`${kind.toLowerCase()} "${name}" not found`);
  }
  const value = kind === 'Secret' ? decode(object, key) : object.data?.[key];
  if (value === undefined && !optional)
    throw new ContainerConfigError(`couldn't find key ${key} in ${kind} ${name}`);
  return value;
}

/** The container's environment as the kubelet builds it (throws ContainerConfigError). */
export function resolveEnv(
  // biome-ignore lint/suspicious/noExplicitAny: a rendered container spec
  container: any,
  objects: ReadonlyMap<string, K8sObject>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const object = objects.get(`${kind}/${ref.name}`);
    if (!object) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${kind.toLowerCase()} "${ref.name}" not found`);
    }
    for (const key of Object.keys({ ...object.data, ...object.stringData }))
      env[`${source.prefix ?? ''}${key}`] =
        kind === 'Secret' ? (decode(object, key) ?? '') : object.data[key];
  }
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) {
      // $(VAR) refers to a variable defined earlier, as in Kubernetes.
      env[entry.name] = String(entry.value).replace(
        /\$\((\w+)\)/g,
        (whole: string, name: string) => env[name] ?? whole,
      );
      continue;
    }
    const from = entry.valueFrom ?? {};
    const ref = from.secretKeyRef ?? from.configMapKeyRef;
    if (!ref) throw new ContainerConfigError(`env ${entry.name}: unsupported valueFrom`);
    const value = lookup(
      objects,
      from.secretKeyRef ? 'Secret' : 'ConfigMap',
      ref.name,
      ref.key,
      ref.optional === true,
    );
    if (value !== undefined) env[entry.name] = value;
  }
  return env;
}

/** `http://<service>:<port>` → the address that Service has here. */
export function rewriteServiceUrls(
  env: Record<string, string>,
  serviceAddress: (service: string, port: number) => string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    out[name] = value.replace(
      /\bhttp:\/\/([a-z0-9-]+)(?:\.[a-z0-9.-]+)?:(\d+)/g,
      (whole, service: string, port: string) => {
        const address = serviceAddress(service, Number(port));
        return address ? `http://${address}` : whole;
      },
    );
  return out;
}

/** What the container runs: its command and args, or the image's CMD. */
// biome-ignore lint/suspicious/noExplicitAny: a rendered container spec
export function commandOf(container: any): string[] {
  if (container.command) return [...container.command, ...(container.args ?? [])];
  return container.args ? [IMAGE_CMD[0] as string, ...container.args] : [...IMAGE_CMD];
}

/** A named or numeric port of a container (probes and Services refer to ports by name). */
// biome-ignore lint/suspicious/noExplicitAny: a rendered container spec
export function resolvePort(container: any, port: string | number): number {
  if (typeof port === 'number') return port;
  const found = (container.ports ?? []).find((p: { name?: string }) => p.name === port);
  if (!found) throw new ContainerConfigError(`container ${container.name} has no port ${port}`);
  return found.containerPort;
}

/** The image tag of a container (`repo:tag` or `repo:tag@sha256:…`). */
export function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0] as string;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(colon + 1) : 'latest';
}

/** Pod-template-hash: what tells two ReplicaSets of a Deployment apart. */
export function templateHash(template: unknown): string {
  // FNV-1a over the canonical JSON: stable across runs, cheap, short.
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify(template)) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

export interface MountedFile {
  volume: string;
  mountPath: string;
  key: string;
  content: string;
}

/**
 * The files a container's ConfigMap and Secret volumes hold (each key a file, as the kubelet
 * projects them); the volume must exist (admission already refused a pod whose one is missing).
 */
export function mountedFiles(
  // biome-ignore lint/suspicious/noExplicitAny: a rendered pod spec
  spec: any,
  // biome-ignore lint/suspicious/noExplicitAny: a rendered container spec
  container: any,
  objects: ReadonlyMap<string, K8sObject>,
): MountedFile[] {
  const files: MountedFile[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = (spec.volumes ?? []).find((v: { name: string }) => v.name === mount.name);
    const source = volume?.configMap
      ? objects.get(`ConfigMap/${volume.configMap.name}`)
      : volume?.secret
        ? objects.get(`Secret/${volume.secret.secretName}`)
        : undefined;
    if (!source) continue;
    for (const key of Object.keys({ ...source.data, ...source.stringData }))
      files.push({
        volume: mount.name,
        mountPath: mount.mountPath,
        key,
        content: volume.secret ? (decode(source, key) ?? '') : source.data[key],
      });
  }
  return files;
}

/** Values naming a path under a mount point, moved to where that mount's files are here. */
export function rewriteMountPaths(
  env: Record<string, string>,
  mounts: ReadonlyMap<string, string>,
): Record<string, string> {
  const out: Record<string, string> = { ...env };
  for (const [name, value] of Object.entries(env))
    for (const [mountPath, local] of mounts)
      if (value === mountPath || value.startsWith(`${mountPath}/`))
        out[name] = local + value.slice(mountPath.length);
  return out;
}
