// The version-usage metric and the deprecated-use log as the app wires them (app.ts): scraped
// from the real metrics server, read from the real log stream.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type ObservedApp, startObservedApp } from '../support/observed-app.ts';

let database: TestDatabase;
let app: ObservedApp;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startObservedApp(database.url, { API_CLIENT_NAMES: 'web, acme-sync' });
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
});

const scrape = async () => (await fetch(app.metricsUrl)).text();

it('counts API requests by version, source and bounded client, and publishes sunset dates', async () => {
  await fetch(`${app.url}/api/v1/users`, { headers: { 'X-Client-Name': 'web' } });
  await fetch(`${app.url}/api/users`, {
    headers: { 'API-Version': 'v1', 'User-Agent': 'acme-sync/3' },
  });
  await fetch(`${app.url}/api/users`, { headers: { 'X-Client-Name': 'not-on-the-list' } });
  await fetch(`${app.url}/api/v1/openapi.json`);
  const metrics = await scrape();
  expect(metrics).toContain(
    'api_version_requests_total{api_version="v1",api_version_source="url",api_client="web"} 1',
  );
  expect(metrics).toContain(
    'api_version_requests_total{api_version="v1",api_version_source="header",api_client="acme-sync"} 1',
  );
  expect(metrics).toContain(
    'api_version_requests_total{api_version="v2",api_version_source="default",api_client="other"} 1',
  );
  expect(metrics).toContain(
    `api_version_sunset_timestamp_seconds{api_version="v1"} ${Date.parse('2027-06-01T00:00:00Z') / 1000}`,
  );
  expect(metrics).not.toContain('not-on-the-list');
});

it("logs deprecated use once per client within a minute, with the request's ids", async () => {
  const response = await fetch(`${app.url}/api/v1/users`, {
    headers: { 'X-Client-Name': 'acme-sync', 'X-Request-ID': 'dep-1' },
  });
  expect(response.headers.get('deprecation')).toMatch(/^@\d+$/);
  const lines = app.logs.filter((line) => line.msg === 'deprecated API version v1 used');
  expect(lines.map((line) => line.api_client).sort()).toEqual(['acme-sync', 'web']);
  expect(lines.find((line) => line.api_client === 'web')).toMatchObject({
    api_version: 'v1',
    http_route: '/api/v1/users',
    level: 'info',
    request_id: expect.any(String),
  });
});
