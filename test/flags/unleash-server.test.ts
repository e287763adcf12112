// Against a real Unleash server (unleash-server from npm, on real PostgreSQL), with the app
// running on a real socket: the flag is created and dialled through the Admin API and the UI,
// the rollout guard acts on it, and the server is killed and restarted under load. One server
// start for the whole file (5–9 s on a fresh database, ~20 s while the rest of the suite runs);
// the whole file takes about 45 s alone, about 65 s inside the full suite.
import { Writable } from 'node:stream';
import type { ServerType } from '@hono/node-server';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnleashAdmin, environmentOf, type UnleashAdmin } from '../../app/flags/admin-api.ts';
import { createRolloutGuard } from '../../app/flags/guard/guard.ts';
import { guardServer } from '../../app/flags/guard/server.ts';
import { createLogger } from '../../app/telemetry/logger.ts';
import { startUnleashServer, type UnleashServer } from '../../scripts/stack/unleash-process.ts';
import { launchChromium } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { offlineFlagSource, rolloutFlag, writeFlagsFile } from '../support/flags.ts';
import { type ObservedApp, startObservedApp } from '../support/observed-app.ts';
import { freePort } from '../support/ports.ts';
import { describeWithTool } from '../support/tools.ts';
import { describeWithUnleash } from '../support/unleash.ts';

const FLAG = 'new_recommendation_algo';
const ENVIRONMENT = 'development';
const ADMIN_TOKEN = '*:*.test-admin-token';
const BACKEND_TOKEN = `default:${ENVIRONMENT}.test-backend-token`;
/** The app's polling interval: short, so the suite is quick (the stack uses the same). */
const REFRESH_MS = 1_000;
/**
 * The app must follow within its refresh interval plus a second of Unleash serving a change.
 * Counted from when Unleash's client API first serves it, not from the Admin API call: Unleash
 * publishes a change to SDKs on its own revision cadence (about a second), which is no part of
 * the app's behaviour and would make the bound depend on the server's load.
 */
const FOLLOW_DEADLINE_MS = REFRESH_MS + 1_000;
const USERS = 30;

let unleashDb: TestDatabase;
let appDb: TestDatabase;
let unleash: UnleashServer;
let admin: UnleashAdmin;
let strategyId: string;
let app: ObservedApp;
let userIds: number[] = [];

function report(line: string) {
  process.stdout.write(`[unleash-server.test] ${line}\n`);
}

/** Which users a rollout of `percent` gives the new algorithm: the SDK's own answer, offline. */
async function expectedNewUsers(percent: number): Promise<Set<number>> {
  const source = await offlineFlagSource(rolloutFlag(FLAG, percent));
  try {
    return new Set(
      userIds.filter((id) => source.evaluate(FLAG, { userId: String(id) }, false).enabled),
    );
  } finally {
    await source.close();
  }
}

async function servedNew(target: ObservedApp = app): Promise<Set<number>> {
  const answers = await Promise.all(
    userIds.map(async (id) => {
      const response = await fetch(`${target.url}/api/v2/users/${id}/recommendations`);
      expect(response.status).toBe(200);
      return [id, ((await response.json()) as { algorithm: string }).algorithm] as const;
    }),
  );
  return new Set(answers.filter(([, algorithm]) => algorithm === 'new').map(([id]) => id));
}

const same = (a: Set<number>, b: Set<number>) =>
  a.size === b.size && [...a].every((id) => b.has(id));

/**
 * Polls the app until exactly `expected` users get the new algorithm; returns how long that
 * took from `since` (when the change was made), failing past `deadlineMs`.
 */
async function follows(expected: Set<number>, since: number, deadlineMs = FOLLOW_DEADLINE_MS) {
  for (;;) {
    const served = await servedNew();
    const elapsed = performance.now() - since;
    if (same(served, expected)) return elapsed;
    if (elapsed > deadlineMs)
      throw new Error(
        `after ${Math.round(elapsed)} ms the app serves new to ${served.size} users, expected ${expected.size}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface ServedFlag {
  name: string;
  enabled: boolean;
  strategies?: { parameters?: Record<string, string> }[];
}

/** What an SDK polling Unleash's client API (with the app's token) gets for `etag`. */
async function clientApi(etag: string | undefined) {
  const response = await fetch(`${unleash.apiUrl}client/features`, {
    headers: { Authorization: BACKEND_TOKEN, ...(etag ? { 'If-None-Match': etag } : {}) },
  });
  if (response.status === 304) return { etag, flag: undefined };
  const { features } = (await response.json()) as { features: ServedFlag[] };
  return {
    etag: response.headers.get('etag') ?? undefined,
    flag: features.find((feature) => feature.name === FLAG),
  };
}

/**
 * Runs `change`, then waits until Unleash's client API serves it to an SDK that polled just
 * before (same ETag, so the same 304s the app's SDK gets); returns that moment.
 */
async function published(change: () => Promise<unknown>, check: (flag: ServedFlag) => boolean) {
  const { etag } = await clientApi(undefined);
  await change();
  const started = performance.now();
  for (;;) {
    const { flag } = await clientApi(etag);
    if (flag && check(flag)) return performance.now();
    if (performance.now() - started > 15_000) throw new Error('Unleash never published the change');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const rolloutIs = (rollout: number) => (flag: ServedFlag) =>
  flag.enabled && flag.strategies?.[0]?.parameters?.rollout === String(rollout);

/** Sets the rollout through the Admin API; resolves when Unleash serves it. */
function dial(rollout: number): Promise<number> {
  return published(() => admin.setRollout(FLAG, strategyId, rollout), rolloutIs(rollout));
}

/** The kill switch (or back on); resolves when Unleash serves it. */
function switchFlag(enabled: boolean): Promise<number> {
  return published(
    () => admin.setEnabled(FLAG, enabled),
    (flag) => flag.enabled === enabled,
  );
}

/** The flag in the test environment, as the Admin API describes it. */
async function flagState() {
  const feature = await admin.feature(FLAG);
  const state = feature && environmentOf(feature, ENVIRONMENT);
  if (!state) throw new Error(`Unleash has no ${FLAG} in ${ENVIRONMENT}`);
  return state;
}

const metrics = async (target: ObservedApp = app) =>
  (await target.deps.telemetry.expose(undefined)).body;

/** How many changes of the flag's definition the app has counted (the flags dashboard's marks). */
const definitionChanges = async () =>
  Number(
    new RegExp(
      `^feature_flag_definition_changes_total\\{feature_flag_key="${FLAG}"\\} (\\S+)$`,
      'm',
    ).exec(await metrics())?.[1],
  );

describeWithUnleash('flags against a real Unleash server', () => {
  beforeAll(async () => {
    [unleashDb, appDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const started = performance.now();
    unleash = await startUnleashServer({
      databaseUrl: unleashDb.url,
      port: await freePort(),
      adminToken: ADMIN_TOKEN,
      backendToken: BACKEND_TOKEN,
    });
    report(
      `unleash-server started on a fresh database in ${Math.round(performance.now() - started)} ms`,
    );
    admin = createUnleashAdmin({
      url: unleash.apiUrl,
      token: ADMIN_TOKEN,
      project: 'default',
      environment: ENVIRONMENT,
    });
    // As an operator would: the flag, then its rollout strategy (before enabling: enabling a
    // flag without one adds a 100% rollout), then on.
    await admin.createFeature({ name: FLAG, type: 'release', description: 'test' });
    strategyId = await admin.addStrategy(FLAG, {
      name: 'flexibleRollout',
      parameters: { rollout: '0', stickiness: 'default', groupId: FLAG },
    });
    await admin.setEnabled(FLAG, true);
    app = await startObservedApp(appDb.url, {
      UNLEASH_URL: unleash.apiUrl,
      UNLEASH_API_TOKEN: BACKEND_TOKEN,
      UNLEASH_REFRESH_INTERVAL_MS: String(REFRESH_MS),
    });
    userIds = [];
    for (let index = 0; index < USERS; index++) {
      const response = await fetch(`${app.url}/api/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `User ${index}`, email: `u${index}@example.com` }),
      });
      userIds.push(((await response.json()) as { id: number }).id);
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await unleash?.stop();
    await Promise.all([unleashDb?.drop(), appDb?.drop()]);
  });

  it('starts synchronised with Unleash and reports the sync', async () => {
    expect(app.deps.flags.state).toBe('synced');
    expect(await servedNew()).toEqual(new Set());
    expect(await metrics()).toMatch(/^feature_flag_client_last_sync_timestamp_seconds \d/m);
  });

  it('follows the rollout dialled 0 → 50 → 100 through the Admin API within the refresh interval plus a second', async () => {
    const at50 = await expectedNewUsers(50);
    expect(at50.size).toBeGreaterThan(0);
    expect(at50.size).toBeLessThan(USERS);
    const changesBefore = await definitionChanges();
    const took50 = await follows(at50, await dial(50));
    const took100 = await follows(new Set(userIds), await dial(100));
    // Each dial is one change of the definition, counted once (the dashboard's annotation).
    expect(await definitionChanges()).toBe(changesBefore + 2);
    report(`app followed 0→50 in ${Math.round(took50)} ms, 50→100 in ${Math.round(took100)} ms`);
  });

  it('serves everyone the classic algorithm after the kill switch, and the rollout again after', async () => {
    const tookOff = await follows(new Set(), await switchFlag(false));
    const tookOn = await follows(new Set(userIds), await switchFlag(true));
    report(
      `kill switch followed in ${Math.round(tookOff)} ms, re-enabled in ${Math.round(tookOn)} ms`,
    );
  });

  describeWithTool('chromium', (chromium) => {
    it('follows a rollout changed in the Unleash UI', async () => {
      const before = (await flagState()).strategies[0]?.parameters?.rollout;
      const started = performance.now();
      const browserSession = async () => {
        const browser = await launchChromium(chromium);
        try {
          const page = await browser.newPage();
          await page.goto(`${unleash.url}/login`);
          await page.fill('input[name=username]', 'admin');
          await page.fill('input[name=password]', 'unleash4all');
          await page.click('button:has-text("Sign in")');
          await page.waitForURL((url) => !url.pathname.startsWith('/login'));
          await page.goto(
            `${unleash.url}/projects/default/features/${FLAG}/strategies/edit?environmentId=${ENVIRONMENT}&strategyId=${strategyId}`,
          );
          const rollout = page.locator('input[type=number]');
          // The form fills in once the UI has loaded the strategy.
          await expect.poll(() => rollout.inputValue(), { timeout: 20_000 }).toBe(before);
          await rollout.fill('30');
          await page.click('button:has-text("Save strategy")');
          await page.waitForURL((url) => url.pathname.endsWith(`/features/${FLAG}`));
        } finally {
          await browser.close();
        }
      };
      const servedAt = await published(browserSession, rolloutIs(30));
      const saved = performance.now();
      expect((await flagState()).strategies[0]?.parameters?.rollout).toBe('30');
      const took = await follows(await expectedNewUsers(30), servedAt);
      report(
        `browser session took ${Math.round(saved - started)} ms; the app followed in ${Math.round(took)} ms`,
      );
    });
  });

  describe('the rollout guard', () => {
    let audit: Record<string, unknown>[];
    const guards: ServerType[] = [];
    afterAll(() =>
      Promise.all(guards.map((server) => new Promise((resolve) => server.close(resolve)))),
    );

    async function startGuard(options: { dryRun: boolean; cooldownMs: number }): Promise<string> {
      const destination = new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString('utf8').split('\n'))
            if (line) audit.push(JSON.parse(line));
          done();
        },
      });
      const guard = createRolloutGuard({
        admin,
        environment: ENVIRONMENT,
        steps: [50, 25, 10],
        audit: createLogger({ level: 'info', destination }),
        ...options,
      });
      const server = serve({
        fetch: guardServer({
          guard,
          webhookToken: 'guard-token-for-tests',
          alertNames: ['MyappFlagVariantErrorBudgetBurn'],
          dryRun: options.dryRun,
        }).fetch,
        port: 0,
        hostname: '127.0.0.1',
      });
      guards.push(server);
      await new Promise((resolve) => server.once('listening', resolve));
      const address = server.address();
      return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/alerts`;
    }

    /** A synthetic Alertmanager notification: the flag's `on` variant burns its budget. */
    const webhook = (url: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          authorization: 'Bearer guard-token-for-tests',
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          version: '4',
          status: 'firing',
          receiver: 'rollout-guard',
          groupLabels: { alertname: 'MyappFlagVariantErrorBudgetBurn' },
          alerts: [
            {
              status: 'firing',
              labels: {
                alertname: 'MyappFlagVariantErrorBudgetBurn',
                feature_flag_key: FLAG,
                feature_flag_result_variant: 'on',
                severity: 'critical',
              },
              annotations: {},
              startsAt: new Date().toISOString(),
              fingerprint: 'f00d',
            },
          ],
        }),
      });

    const rolloutNow = async () => {
      const state = await flagState();
      return { enabled: state.enabled, rollout: state.strategies[0]?.parameters?.rollout };
    };

    beforeAll(async () => {
      audit = [];
      await follows(new Set(userIds), await dial(100));
    });

    it('changes nothing in dry run, and says what it would have done', async () => {
      const response = await webhook(await startGuard({ dryRun: true, cooldownMs: 0 }));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        dryRun: true,
        actions: [{ flag: FLAG, action: 'step-down', from: 100, to: 50 }],
      });
      expect(await rolloutNow()).toEqual({ enabled: true, rollout: '100' });
      expect(audit.at(-1)).toMatchObject({
        audit: { action: 'step-down', from: 100, to: 50, dryRun: true, alerts: ['f00d'] },
      });
    });

    it('steps the real flag down one step, the app follows, and a repeat within the cooldown does nothing', async () => {
      const url = await startGuard({ dryRun: false, cooldownMs: 60_000 });
      const servedAt = await published(async () => {
        expect(await (await webhook(url)).json()).toMatchObject({
          actions: [{ action: 'step-down', from: 100, to: 50 }],
        });
      }, rolloutIs(50));
      expect(await rolloutNow()).toEqual({ enabled: true, rollout: '50' });
      await follows(await expectedNewUsers(50), servedAt);
      expect(await (await webhook(url)).json()).toMatchObject({
        actions: [{ action: 'skip', reason: expect.stringMatching(/^rate limited/) }],
      });
      expect(await rolloutNow()).toEqual({ enabled: true, rollout: '50' });
      expect(audit.slice(-2).map((line) => (line.audit as { action: string }).action)).toEqual([
        'step-down',
        'skip',
      ]);
    });

    it('turns the flag off below the lowest step', async () => {
      await dial(10);
      const url = await startGuard({ dryRun: false, cooldownMs: 0 });
      const servedAt = await published(
        async () => {
          expect(await (await webhook(url)).json()).toMatchObject({
            actions: [{ action: 'turn-off', from: 10 }],
          });
        },
        (flag) => !flag.enabled,
      );
      expect(await rolloutNow()).toEqual({ enabled: false, rollout: '10' });
      await follows(new Set(), servedAt);
      expect(await (await webhook(url)).json()).toMatchObject({
        actions: [{ action: 'skip', reason: 'already off' }],
      });
      await switchFlag(true);
    });
  });

  describe('when Unleash goes away', () => {
    it('keeps serving the last known flags with zero failed requests while the server is killed mid-load', async () => {
      await follows(new Set(userIds), await dial(100));
      const statuses = new Map<number, number>();
      const algorithms = new Set<string>();
      const until = performance.now() + 3_000;
      let requests = 0;
      const client = async () => {
        for (let index = 0; performance.now() < until; index++) {
          const id = userIds[index % userIds.length];
          const response = await fetch(`${app.url}/api/v2/users/${id}/recommendations`);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          algorithms.add(((await response.json()) as { algorithm: string }).algorithm);
          requests++;
        }
      };
      const load = Promise.all([client(), client(), client(), client()]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await unleash.stop('SIGKILL');
      await load;
      report(
        `${requests} requests while Unleash was killed: statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
      expect([...statuses.keys()]).toEqual([200]);
      expect(algorithms).toEqual(new Set(['new']));
      await expect
        .poll(() => metrics(), { timeout: 10_000 })
        .toMatch(/feature_flag_client_errors_total\{error_type="unavailable"\} [1-9]/);
      expect(app.deps.flags.state).toBe('failing');
      expect((await fetch(`${app.url}/ready`)).status).toBe(200);
    });

    it('resynchronises once it is back, and follows changes again', async () => {
      const started = performance.now();
      await unleash.restart();
      report(`unleash-server restarted in ${Math.round(performance.now() - started)} ms`);
      // The SDK backs off after failures (up to 11 × the interval): allow for that.
      const took = await follows(new Set(), await dial(0), 11 * REFRESH_MS + 1_000);
      report(`app resynchronised and followed in ${Math.round(took)} ms`);
      expect(app.deps.flags.state).toBe('synced');
      expect(app.logs.some((line) => line.msg === 'flag client resynchronised with Unleash')).toBe(
        true,
      );
    });
  });

  it('surfaces a refused token as the unauthorized metric and an error log, and still starts and serves', async () => {
    // The bootstrap file says 100% and Unleash says 0%: a refused client serves the file.
    const file = await writeFlagsFile(rolloutFlag(FLAG, 100));
    const refused = await startObservedApp(appDb.url, {
      UNLEASH_URL: unleash.apiUrl,
      UNLEASH_API_TOKEN: `default:${ENVIRONMENT}.not-a-token`,
      UNLEASH_REFRESH_INTERVAL_MS: String(REFRESH_MS),
      UNLEASH_STARTUP_WAIT_MS: '1000',
      FLAGS_FILE: file.path,
    });
    try {
      // Within the startup wait on a quiet machine; on a busy one the 401 may come just after it,
      // while the app already serves the bootstrap file. Either way the refusal must surface.
      await expect.poll(() => refused.deps.flags.state, { timeout: 10_000 }).toBe('unauthorized');
      const line = refused.logs.find((entry) => String(entry.msg).startsWith('Unleash refuses'));
      expect(line).toMatchObject({ level: 'error', status: 401 });
      // The SDK stops polling after a 401; the client's own probe keeps counting refusals, so
      // the alert keeps firing until the token is fixed.
      await expect
        .poll(() => metrics(refused), { timeout: 10_000 })
        .toMatch(/feature_flag_client_errors_total\{error_type="unauthorized"\} [2-9]/);
      expect((await fetch(`${refused.url}/ready`)).status).toBe(200);
      expect(await servedNew(refused)).toEqual(new Set(userIds));
    } finally {
      await refused.close();
      await file.remove();
    }
  });
});
