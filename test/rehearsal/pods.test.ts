// The rehearsal's stand-ins on their own: a container's environment, command and ports as the
// kubelet resolves them, cluster DNS rewritten to local addresses, mounted ConfigMaps and Secrets
// as files, the preStop sleep of an exec hook, and the HAProxy configuration (checked by haproxy
// itself).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithTool } from '../support/tools.ts';
import { haproxyConfig } from './haproxy.ts';
import { preStopExecSeconds } from './kubelet.ts';
import type { K8sObject } from './manifests.ts';
import {
  ContainerConfigError,
  commandOf,
  IMAGE_CMD,
  imageTag,
  mountedFiles,
  resolveEnv,
  resolvePort,
  rewriteMountPaths,
  rewriteServiceUrls,
} from './pods.ts';

const objects = new Map<string, K8sObject>([
  [
    'Secret/db',
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      data: { URL: Buffer.from('postgres://x').toString('base64') },
    },
  ],
  [
    'ConfigMap/app',
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app' },
      data: { LOG_LEVEL: 'info', A: '1' },
    },
  ],
]);

describe('a container as the kubelet resolves it', () => {
  it('takes envFrom first, then env (which wins), with Secret and ConfigMap references', () => {
    const env = resolveEnv(
      {
        envFrom: [{ configMapRef: { name: 'app' } }],
        env: [
          { name: 'A', value: '2' },
          { name: 'B', value: '$(A)-$(NOPE)' },
          { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'URL' } } },
          { name: 'X', valueFrom: { secretKeyRef: { name: 'gone', key: 'X', optional: true } } },
        ],
      },
      objects,
    );
    expect(env).toEqual({
      LOG_LEVEL: 'info',
      A: '2',
      B: '2-$(NOPE)',
      DATABASE_URL: 'postgres://x',
    });
  });

  it('cannot start while a referenced Secret or key is missing', () => {
    const ref = (name: string, key: string) => ({
      env: [{ name: 'X', valueFrom: { secretKeyRef: { name, key } } }],
    });
    expect(() => resolveEnv(ref('gone', 'X'), objects)).toThrow(ContainerConfigError);
    expect(() => resolveEnv(ref('db', 'NOPE'), objects)).toThrow(/couldn't find key NOPE/);
  });

  it("runs the container's command and args, or the image's CMD", () => {
    expect(commandOf({})).toEqual(IMAGE_CMD);
    expect(commandOf({ command: ['node', 'cli.ts'], args: ['expand'] })).toEqual([
      'node',
      'cli.ts',
      'expand',
    ]);
  });

  it('resolves named ports and image tags', () => {
    const container = { name: 'c', ports: [{ name: 'http', containerPort: 3000 }] };
    expect(resolvePort(container, 'http')).toBe(3000);
    expect(resolvePort(container, 8080)).toBe(8080);
    expect(() => resolvePort(container, 'metrics')).toThrow(/no port metrics/);
    expect(imageTag('ghcr.io/example/myapp:1.2.3@sha256:abc')).toBe('1.2.3');
    expect(imageTag('localhost:5000/myapp')).toBe('latest');
  });

  it('rewrites cluster DNS names of Services to their local addresses', () => {
    const env = rewriteServiceUrls(
      { TARGET: 'http://myapp-preview:80', OTHER: 'http://elsewhere.example:4318', N: '3' },
      (service) => (service === 'myapp-preview' ? '127.0.0.1:4444' : undefined),
    );
    expect(env).toEqual({
      TARGET: 'http://127.0.0.1:4444',
      OTHER: 'http://elsewhere.example:4318',
      N: '3',
    });
  });

  it('projects mounted ConfigMaps and Secrets as files, and moves paths under a mount', () => {
    const spec = {
      volumes: [
        { name: 'spec', configMap: { name: 'app' } },
        { name: 'creds', secret: { secretName: 'db' } },
        { name: 'unused', configMap: { name: 'app' } },
      ],
    };
    const container = {
      volumeMounts: [
        { name: 'spec', mountPath: '/etc/myapp/analysis' },
        { name: 'creds', mountPath: '/var/run/db' },
      ],
    };
    expect(mountedFiles(spec, container, objects)).toEqual([
      { volume: 'spec', mountPath: '/etc/myapp/analysis', key: 'LOG_LEVEL', content: 'info' },
      { volume: 'spec', mountPath: '/etc/myapp/analysis', key: 'A', content: '1' },
      { volume: 'creds', mountPath: '/var/run/db', key: 'URL', content: 'postgres://x' },
    ]);
    const mounts = new Map([['/etc/myapp/analysis', '/tmp/run-1/spec']]);
    expect(
      rewriteMountPaths(
        { FILE: '/etc/myapp/analysis/A', DIR: '/etc/myapp/analysis', NEAR: '/etc/myapp/analysisx' },
        mounts,
      ),
    ).toEqual({ FILE: '/tmp/run-1/spec/A', DIR: '/tmp/run-1/spec', NEAR: '/etc/myapp/analysisx' });
  });

  it('reads the seconds of an exec preStop that sleeps', () => {
    expect(preStopExecSeconds(['sleep', '5'])).toBe(5);
    expect(preStopExecSeconds(['/bin/sh', '-c', 'sleep 2.5'])).toBe(2.5);
    expect(() => preStopExecSeconds(['nginx', '-s', 'quit'])).toThrow(/not a sleep/);
  });
});

describeWithTool('haproxy', (haproxy) => {
  it('writes a configuration haproxy accepts: L4 Services, L7 ingress and Gateway fronts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'myapp-haproxy-'));
    const config = haproxyConfig(join(dir, 'admin.sock'), {
      services: { myapp: 18080, 'myapp-preview': 18081 },
      ingress: { service: 'myapp', port: 18082 },
      gateway: 18083,
    });
    expect(config).toMatch(/listen svc-myapp\n {2}mode tcp[\s\S]*retries 0/);
    expect(config).toMatch(/frontend ingress\n {2}mode http[\s\S]*option forwardfor/);
    expect(config).toMatch(/frontend gateway\n {2}mode http[\s\S]*default_backend gw-endpoints/);
    writeFileSync(join(dir, 'haproxy.cfg'), config);
    expect(
      execFileSync(haproxy, ['-c', '-f', join(dir, 'haproxy.cfg')], { encoding: 'utf8' }),
    ).toMatch(/Configuration file is valid/);
  });
});
