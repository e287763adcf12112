// The usage hooks behind the real versioning middleware, in a small Hono app with a clock the
// test moves: bounded client names, the resolution source, docs left out, and deprecated use
// logged at most once per version, client and interval, with what was left out.
import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestedPath } from '../../http/path.ts';
import { createLogger } from '../../telemetry/logger.ts';
import { createMetrics } from '../../telemetry/metrics.ts';
import { createNegotiator } from '../negotiation.ts';
import { apiVersioning } from './api-version.ts';
import { apiVersionUsage, publishSunsetDates } from './api-version-usage.ts';

function setup() {
  let now = new Date('2026-12-01T00:00:00Z');
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    }),
  });
  const { metrics, registry } = createMetrics();
  const usage = apiVersionUsage({
    requests: metrics.apiVersionRequests,
    clientNames: ['web', 'acme-sync'],
    logger,
    clock: () => now,
  });
  const app = new Hono();
  app.use(
    apiVersioning({
      negotiate: createNegotiator('v2', requestedPath),
      clock: () => now,
      onUse: usage.onUse,
      onDeprecatedUse: usage.onDeprecatedUse,
    }),
  );
  app.get('/api/:version/users', (c) => c.json([]));
  app.get('/api/:version/docs', (c) => c.text('docs'));
  return {
    app,
    lines,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    async counts() {
      const metric = await registry.getSingleMetric('api_version_requests_total')?.get();
      return (metric?.values ?? []).map(
        ({ labels, value }): Record<string, unknown> => ({ ...labels, value }),
      );
    },
  };
}

describe('API version usage', () => {
  it('counts by version, source and a client name from the list, else other', async () => {
    const { app, counts } = setup();
    await app.request('/api/v1/users', { headers: { 'X-Client-Name': 'Web' } });
    await app.request('/api/users', {
      headers: { 'API-Version': 'v1', 'User-Agent': 'acme-sync/2.1 (linux)' },
    });
    await app.request('/api/users', { headers: { 'User-Agent': 'curl/8.5' } });
    await app.request('/api/v2/users', { headers: { 'X-Client-Name': 'somebody-new' } });
    await app.request('/api/users?version=1', { headers: { 'X-Client-Name': 'web' } });
    await app.request('/api/users', {
      headers: { Accept: 'application/vnd.api+json; version=1', 'X-Client-Name': 'web' },
    });
    expect(await counts()).toEqual(
      expect.arrayContaining([
        { api_version: 'v1', api_version_source: 'query', api_client: 'web', value: 1 },
        { api_version: 'v1', api_version_source: 'media_type', api_client: 'web', value: 1 },
        { api_version: 'v1', api_version_source: 'url', api_client: 'web', value: 1 },
        { api_version: 'v1', api_version_source: 'header', api_client: 'acme-sync', value: 1 },
        { api_version: 'v2', api_version_source: 'default', api_client: 'other', value: 1 },
        { api_version: 'v2', api_version_source: 'url', api_client: 'other', value: 1 },
      ]),
    );
    expect(await counts()).toHaveLength(6);
  });

  it('keeps the client label bounded whatever clients send', async () => {
    const { app, counts } = setup();
    for (let index = 0; index < 50; index++)
      await app.request('/api/v2/users', {
        headers: { 'X-Client-Name': `client-${index}`, 'User-Agent': `agent${index}/1.0` },
      });
    expect(new Set((await counts()).map((series) => series.api_client))).toEqual(
      new Set(['other']),
    );
  });

  it('leaves documentation and unknown versions out', async () => {
    const { app, counts } = setup();
    await app.request('/api/v1/docs');
    await app.request('/api/docs', { headers: { 'API-Version': 'v1' } });
    await app.request('/api/v7/users');
    expect(await counts()).toEqual([]);
  });

  it('logs deprecated use at most once per version and client per minute, then says how many it left out', async () => {
    const { app, lines, advance } = setup();
    const web = { headers: { 'X-Client-Name': 'web' } };
    for (let index = 0; index < 5; index++) await app.request('/api/v1/users', web);
    await app.request('/api/v1/users'); // another client: a line of its own
    await app.request('/api/v2/users', web); // not deprecated: no line
    const deprecated = () => lines.filter((line) => line.api_version === 'v1');
    expect(deprecated().map((line) => [line.api_client, line.suppressed])).toEqual([
      ['web', 0],
      ['other', 0],
    ]);
    expect(deprecated()[0]).toMatchObject({
      msg: 'deprecated API version v1 used',
      http_route: '/api/:version/users',
      sunset: '2027-06-01T00:00:00.000Z',
      successor: 'v2',
    });
    advance(60_000);
    await app.request('/api/v1/users', web);
    expect(deprecated().at(-1)).toMatchObject({ api_client: 'web', suppressed: 4 });
  });

  it('publishes the sunset date of every version that has one', async () => {
    const { metrics } = createMetrics();
    publishSunsetDates(metrics.apiVersionSunset);
    expect((await metrics.apiVersionSunset.get()).values).toEqual([
      { labels: { api_version: 'v1' }, value: Date.parse('2027-06-01T00:00:00Z') / 1000 },
    ]);
  });
});
