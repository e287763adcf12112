// The canary analysis (app/rollout/main.ts, as the chart's analysis Job runs it) against a real
// Prometheus scraping three real app instances, each labelled with its colour through
// DEPLOYMENT_COLOUR as the chart labels pods: `blue` is the stable colour, `green` a good canary,
// and `amber` a bad release — the same code with a request timeout of 1 ms, so that nearly every
// API request it serves ends in a 504 — each on a database of its own. Each serves the same load.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { JOB } from '../../alerts/slos.ts';
import { CANARY_SPEC } from '../../scripts/generated.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type ObservedApp, startObservedApp } from '../support/observed-app.ts';
import { type Prometheus, startPrometheus } from '../support/prometheus.ts';
import { describeWithTool } from '../support/tools.ts';

const ROOT = join(import.meta.dirname, '../..');
const LOAD_MS = 6_000;

interface Verdict {
  verdict: string;
  slos: { id: string; verdict: string; canaryRequests: number; canary: { ratio: number } }[];
}

describeWithTool('prometheus', (prometheusPath) => {
  const databases: TestDatabase[] = [];
  const apps = new Map<string, ObservedApp>();
  let prometheus: Prometheus | undefined;
  const statuses = new Map<string, Map<number, number>>();

  /** Runs the analysis once over the load; its JSON line and exit code. */
  function analyse(canary: string, env: Record<string, string> = {}) {
    return new Promise<{ code: number | null; line: Verdict; raw: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'app/rollout/main.ts')], {
        env: {
          PATH: process.env.PATH ?? '',
          PROMETHEUS_URL: prometheus?.url ?? '',
          CANARY_COLOUR: canary,
          STABLE_COLOUR: 'blue',
          ANALYSIS_SPEC_FILE: join(ROOT, CANARY_SPEC),
          ANALYSIS_WINDOW: '30s',
          ANALYSIS_DURATION_MS: '0',
          ANALYSIS_MIN_REQUESTS: '20',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let raw = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        raw += chunk;
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        try {
          resolve({ code, line: JSON.parse(raw) as Verdict, raw });
        } catch {
          reject(new Error(`the analysis printed no JSON line (exit ${code}): ${raw}`));
        }
      });
    });
  }

  beforeAll(async () => {
    for (const [colour, env] of [
      ['blue', {}],
      ['green', {}],
      ['amber', { REQUEST_TIMEOUT_MS: '1' }],
    ] as const) {
      const database = await createTestDatabase();
      databases.push(database);
      apps.set(
        colour,
        await startObservedApp(database.url, {
          DEPLOYMENT_COLOUR: colour,
          RELEASE: '1.0.0',
          ...env,
        }),
      );
    }
    prometheus = await startPrometheus(prometheusPath, {
      job: JOB,
      targets: [...apps.values()].map((app) => new URL(app.metricsUrl).host),
    });
    const started = Date.now();
    await Promise.all(
      [...apps].flatMap(([colour, app]) => {
        const seen = new Map<number, number>();
        statuses.set(colour, seen);
        return [0, 1].map(async () => {
          while (Date.now() - started < LOAD_MS) {
            const response = await fetch(`${app.url}/api/v1/users?limit=5`);
            await response.arrayBuffer();
            seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
          }
        });
      }),
    );
    // Two more scrapes past the end of the load.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
  });

  afterAll(async () => {
    await prometheus?.close();
    for (const app of apps.values()) await app.close();
    for (const database of databases) await database.drop();
  });

  it('loaded every colour, and the bad release failed most of its requests', () => {
    expect(statuses.get('blue')?.get(200)).toBeGreaterThan(50);
    expect(statuses.get('green')?.get(200)).toBeGreaterThan(50);
    const amber = statuses.get('amber') ?? new Map();
    expect(amber.get(504) ?? 0, JSON.stringify([...amber])).toBeGreaterThan(amber.get(200) ?? 0);
  });

  it('fails the bad canary on availability, exit 1, with its figures and queries', async () => {
    const { code, line, raw } = await analyse('amber');
    expect(code, raw).toBe(1);
    expect(line.verdict).toBe('fail');
    const availability = line.slos.find((slo) => slo.id === 'requests-availability');
    expect(availability).toMatchObject({ verdict: 'fail' });
    expect(availability?.canary.ratio).toBeGreaterThan(0.5);
    expect(raw).toContain('colour=\\"amber\\"');
  });

  it('passes a good canary, exit 0', async () => {
    const { code, line, raw } = await analyse('green');
    expect(code, raw).toBe(0);
    expect(line.verdict).toBe('pass');
    expect(line.slos.every((slo) => slo.canaryRequests >= 20)).toBe(true);
  });

  it('refuses to judge with too little traffic, exit 3', async () => {
    const { code, line, raw } = await analyse('green', { ANALYSIS_MIN_REQUESTS: '1000000' });
    expect(code, raw).toBe(3);
    expect(line.verdict).toBe('inconclusive');
  });

  it('fails when Prometheus cannot be asked, exit 1', async () => {
    const { code, line, raw } = await analyse('green', { PROMETHEUS_URL: 'http://127.0.0.1:1' });
    expect(code, raw).toBe(1);
    expect(line.verdict).toBe('error');
  });

  it('exits 2 naming a bad variable', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'app/rollout/main.ts')], {
      env: { PATH: process.env.PATH ?? '', CANARY_COLOUR: 'Not A Colour' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/PROMETHEUS_URL/);
    expect(stderr).toMatch(/CANARY_COLOUR: expected a colour/);
  });
});
