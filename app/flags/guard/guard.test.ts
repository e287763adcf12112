// The guard's pure parts and its webhook's input checks (the real Admin API is exercised in
// test/flags/unleash-server.test.ts). Milliseconds.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../telemetry/logger.ts';
import type { UnleashAdmin } from '../admin-api.ts';
import { flagNames } from '../catalog.ts';
import { flagAlarms, type WebhookPayload } from './alertmanager.ts';
import { createRolloutGuard } from './guard.ts';
import { guardServer } from './server.ts';
import { nextRollout } from './step-down.ts';

describe('nextRollout', () => {
  it('steps down the ladder, then off', () => {
    const steps = [50, 25, 10];
    expect(nextRollout(100, steps)).toBe(50);
    expect(nextRollout(50, steps)).toBe(25);
    expect(nextRollout(30, steps)).toBe(25);
    expect(nextRollout(25, steps)).toBe(10);
    expect(nextRollout(10, steps)).toBe('off');
    expect(nextRollout(3, steps)).toBe('off');
  });
});

describe('flagAlarms', () => {
  const payload = (alerts: WebhookPayload['alerts']): WebhookPayload => ({
    version: '4',
    status: 'firing',
    alerts,
  });

  it('collects firing alerts of the named kinds by flag, with variants and fingerprints', () => {
    const alarms = flagAlarms(
      payload([
        {
          status: 'firing',
          labels: { alertname: 'Burn', feature_flag_key: 'f', feature_flag_result_variant: 'on' },
          fingerprint: 'a',
        },
        {
          status: 'firing',
          labels: { alertname: 'Burn', feature_flag_key: 'f' },
          fingerprint: 'b',
        },
        { status: 'resolved', labels: { alertname: 'Burn', feature_flag_key: 'g' } },
        { status: 'firing', labels: { alertname: 'Other', feature_flag_key: 'h' } },
        { status: 'firing', labels: { alertname: 'Burn' } },
      ]),
      ['Burn'],
    );
    expect(alarms).toEqual([{ flag: 'f', variants: ['on'], fingerprints: ['a', 'b'] }]);
  });
});

describe('the guard webhook', () => {
  const handled: unknown[] = [];
  const app = guardServer({
    // Records what reaches the guard; every case here must be refused before that.
    guard: {
      handle: async (alarms) => {
        handled.push(alarms);
        return [];
      },
    },
    webhookToken: 'a-token-of-sixteen+',
    alertNames: ['Burn'],
    dryRun: true,
  });
  const post = (body: string, authorization = 'Bearer a-token-of-sixteen+') =>
    app.request('/alerts', {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body,
    });

  it('refuses a missing or wrong token with 401', async () => {
    for (const authorization of ['', 'Bearer wrong', 'a-token-of-sixteen+']) {
      const response = await post('{}', authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('refuses malformed JSON and payloads that are not Alertmanager webhooks with 400', async () => {
    expect((await post('{oops')).status).toBe(400);
    expect((await post('{"version":"4","status":"firing"}')).status).toBe(400);
    expect(
      (await post('{"version":"4","status":"firing","alerts":[{"status":"burning"}]}')).status,
    ).toBe(400);
    expect(handled).toEqual([]);
  });

  it('answers a valid webhook with what the guard did', async () => {
    const response = await post('{"version":"4","status":"resolved","alerts":[]}');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ dryRun: true, actions: [] });
  });
});

describe('the guard webhook against hostile clients', () => {
  const app = guardServer({
    guard: { handle: async () => [] },
    webhookToken: 'a-token-of-sixteen+',
    alertNames: ['Burn'],
    dryRun: true,
  });

  it('refuses a wrong token before reading a byte of the body', async () => {
    // A chunked body that sends one chunk and then never ends: reading it would never finish.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"version":'));
      },
    });
    const answer = app.request('/alerts', {
      method: 'POST',
      headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    const late = new Promise<'still reading'>((resolve) =>
      setTimeout(resolve, 2_000, 'still reading'),
    );
    const response = await Promise.race([answer, late]);
    expect(response).not.toBe('still reading');
    expect((response as Response).status).toBe(401);
    expect((response as Response).headers.get('connection')).toBe('close');
  });
});

const [FLAG = 'new_recommendation_algo'] = flagNames;

describe('a failed Admin API call', () => {
  it('answers a generic reason and logs the detail', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const guard = createRolloutGuard({
      admin: {
        feature: async () => {
          throw new Error('Unleash 500: <html>internal stack at db-host-7:5432</html>');
        },
      } as unknown as UnleashAdmin,
      environment: 'production',
      steps: [50],
      cooldownMs: 0,
      dryRun: false,
      audit: createLogger({ level: 'info', destination }),
    });
    const [action] = await guard.handle([{ flag: FLAG, variants: ['on'], fingerprints: [] }]);
    expect(action).toEqual({
      flag: FLAG,
      action: 'failed',
      reason: 'the Unleash Admin API call failed',
    });
    expect(lines.join('')).toContain('db-host-7:5432');
  });
});
