// The edge bundle, started for real under workerd, Deno and Bun in edge-tier mode, in front of
// the real app (on PostgreSQL, tracing to a real OTLP receiver) with a recording hop between
// them. Through each runtime: the API's contract (responses checked against the OpenAPI
// documents), version negotiation and its 400s, deprecation headers exactly once, rate limits
// answered at the edge, problem+json errors, long-cached pages, and the request id, W3C trace
// context and X-Forwarded-For reaching the origin.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildEdge } from '../../scripts/edge/build.ts';
import {
  EDGE_RUNTIMES,
  type EdgeRuntime,
  runtimeBinary,
} from '../../scripts/tools/edge-runtimes-install.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type EdgeProcess, startEdge } from '../support/edge-runtime.ts';
import { type ObservedApp, startObservedApp } from '../support/observed-app.ts';
import { type Conformance, loadConformance } from '../support/openapi-conformance.ts';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.ts';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.ts';
import { describeWithTool } from '../support/tools.ts';

let database: TestDatabase;
let receiver: OtlpReceiver;
let origin: ObservedApp;
let proxy: RecordingProxy;
let conformance: Conformance;

beforeAll(async () => {
  await buildEdge();
  database = await createTestDatabase();
  receiver = await startOtlpReceiver();
  origin = await startObservedApp(database.url, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  proxy = await startRecordingProxy(origin.url);
  conformance = await loadConformance(origin.url, ['v1', 'v2']);
});

afterAll(async () => {
  await proxy?.close();
  await origin?.close();
  await receiver?.close();
  await database?.drop();
});

async function eventually<T>(
  find: () => T | undefined,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() - started > timeoutMs) throw new Error(`never saw ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The origin's requests with this request id, as the recording hop saw them. */
function atOrigin(requestId: string) {
  return proxy.requests.filter((request) => request.headers['x-request-id'] === requestId);
}

const V1_LIMIT = 3;

for (const runtime of Object.keys(EDGE_RUNTIMES) as EdgeRuntime[]) {
  describeWithTool(
    runtime,
    (binary) => {
      let edge: EdgeProcess;
      let counter = 0;
      const id = (what: string) => `${runtime}-${what}-${++counter}`;
      const call = async (method: string, path: string, init: RequestInit = {}) => {
        const response = await fetch(`${edge.url}${path}`, { method, ...init });
        await conformance.check(method, path, response.clone());
        return response;
      };

      beforeAll(async () => {
        edge = await startEdge(runtime, binary, {
          EDGE_ORIGIN_URL: proxy.url,
          RATE_LIMITS: `v1=${V1_LIMIT},v2=1000`,
          // As behind an ingress: the client is the last X-Forwarded-For entry, which lets the
          // rate-limit case count a client of its own (an API key is no identity).
          TRUST_PROXY_HOPS: '1',
          LOG_LEVEL: 'info',
        });
      });
      afterAll(async () => {
        await edge?.close();
      });

      it('says which runtime it runs on', () => {
        expect(edge.logs).toContainEqual(
          expect.objectContaining({ msg: 'edge tier ready', runtime, origin: proxy.url }),
        );
      });

      it('serves the API from the origin, in its documented shapes', async () => {
        const email = `${runtime}@example.org`;
        const created = await call('POST', '/api/v2/users', {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ firstName: 'Ada', lastName: runtime, email }),
        });
        expect(created.status).toBe(201);
        const user = (await created.json()) as { id: number; fullName: string };
        expect(user.fullName).toBe(`Ada ${runtime}`);

        const read = await call('GET', `/api/v2/users/${user.id}`);
        expect(read.status).toBe(200);
        expect(await read.json()).toMatchObject({ id: user.id, email });

        const missing = await call('GET', '/api/v2/users/987654321');
        expect(missing.status).toBe(404);
        expect(missing.headers.get('content-type')).toBe('application/problem+json');

        const invalid = await call('POST', '/api/v2/users', {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ firstName: '' }),
        });
        expect(invalid.status).toBe(400);
        expect(((await invalid.json()) as { type: string }).type).toBe(
          '/problems/validation-error',
        );
      });

      it('answers unknown versions itself with a 400 problem, never asking the origin', async () => {
        const requestId = id('unknown');
        const inUrl = await call('GET', '/api/v9/users', {
          headers: { 'x-request-id': requestId },
        });
        expect(inUrl.status).toBe(400);
        expect(inUrl.headers.get('content-type')).toBe('application/problem+json');
        expect(await inUrl.json()).toMatchObject({
          type: '/problems/unsupported-version',
          supportedVersions: ['v1', 'v2'],
          requestId,
        });
        const inHeader = await call('GET', '/api/users', { headers: { 'api-version': 'v7' } });
        expect(inHeader.status).toBe(400);
        expect(inHeader.headers.get('vary')).toMatch(/API-Version/i);
        expect(atOrigin(requestId)).toEqual([]);
      });

      it('negotiates by header and marks the deprecated version once, origin answer included', async () => {
        const negotiated = await call('GET', '/api/users', { headers: { 'api-version': 'v1' } });
        expect(negotiated.status).toBe(200);
        expect(negotiated.headers.get('api-version')).toBe('v1');
        expect(negotiated.headers.get('vary')?.match(/api-version/gi)).toHaveLength(1);
        expect(negotiated.headers.get('deprecation')).toMatch(/^@\d+$/);
        expect(negotiated.headers.get('sunset')).toBe('Tue, 01 Jun 2027 00:00:00 GMT');
        const links = negotiated.headers.get('link') ?? '';
        expect(links.match(/rel="deprecation"/g)).toHaveLength(1);
        expect(links.match(/rel="successor-version"/g)).toHaveLength(1);

        const current = await call('GET', '/api/v2/users');
        expect(current.headers.get('api-version')).toBe('v2');
        expect(current.headers.has('deprecation')).toBe(false);
      });

      it('rate-limits at the edge: the request over the limit never reaches the origin', async () => {
        const key = { 'x-forwarded-for': '198.51.100.42' };
        for (let sent = 1; sent <= V1_LIMIT; sent++) {
          const allowed = await call('GET', '/api/v1/users', { headers: key });
          expect(allowed.status).toBe(200);
          expect(allowed.headers.get('ratelimit-policy')).toBe(`"v1";q=${V1_LIMIT};w=60`);
          expect(allowed.headers.get('ratelimit')).toMatch(
            new RegExp(`^"v1";r=${V1_LIMIT - sent};t=\\d+$`),
          );
        }
        const requestId = id('limited');
        const limited = await call('GET', '/api/v1/users', {
          headers: { ...key, 'x-request-id': requestId },
        });
        expect(limited.status).toBe(429);
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(((await limited.json()) as { type: string }).type).toBe('/problems/rate-limited');
        expect(atOrigin(requestId)).toEqual([]);
      });

      it('passes the request id, trace context and client address on to the origin', async () => {
        const requestId = id('trace');
        const traceId = crypto.randomUUID().replaceAll('-', '');
        const parentSpanId = traceId.slice(0, 16);
        const response = await call('GET', '/api/v2/users', {
          headers: {
            'x-request-id': requestId,
            traceparent: `00-${traceId}-${parentSpanId}-01`,
            'x-forwarded-for': '203.0.113.7',
          },
        });
        expect(response.headers.get('x-request-id')).toBe(requestId);
        const [seen] = atOrigin(requestId);
        expect(seen?.headers.traceparent).toBe(`00-${traceId}-${parentSpanId}-01`);
        // workerd does not tell a worker its peer's address, so it forwards the header as it came.
        expect(seen?.headers['x-forwarded-for']).toBe(
          runtime === 'workerd' ? '203.0.113.7' : '203.0.113.7, 127.0.0.1',
        );
        expect(seen?.headers['x-forwarded-proto']).toBe('http');
        expect(seen?.headers['x-forwarded-host']).toBe(new URL(edge.url).host);
        // The origin's server span is the caller's child, and its log line has the same ids.
        const span = await eventually(
          () =>
            receiver.spans.find(
              (candidate) => candidate.traceId === traceId && candidate.kind === 2,
            ),
          `the origin's server span of trace ${traceId}`,
        );
        expect(span.parentSpanId).toBe(parentSpanId);
        expect(origin.logs).toContainEqual(
          expect.objectContaining({ request_id: requestId, trace_id: traceId, msg: 'request' }),
        );
        // The edge's own line for the request carries the same ids.
        await eventually(
          () => edge.logs.find((line) => line.request_id === requestId && line.msg === 'request'),
          'the edge access line',
        );
        expect(edge.logs).toContainEqual(
          expect.objectContaining({ request_id: requestId, trace_id: traceId, status: 200 }),
        );
      });

      it('starts a trace for a request that brings none', async () => {
        const requestId = id('new-trace');
        await call('GET', '/api/v2/users', { headers: { 'x-request-id': requestId } });
        const traceparent = String(atOrigin(requestId)[0]?.headers.traceparent);
        expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
        const traceId = traceparent.split('-')[1];
        await eventually(
          () => receiver.spans.find((span) => span.traceId === traceId),
          'the origin span in the trace the edge started',
        );
      });

      it('serves health, documents, docs and problem pages from the bundle, cached long where fit', async () => {
        const health = await call('GET', '/health');
        expect(await health.json()).toEqual({ status: 'ok', lifecycle: 'ready' });

        // Documentation is no operation of the documents: plain fetches from here on.
        const document = await fetch(`${edge.url}/api/v2/openapi.json`);
        expect(await document.json()).toEqual(
          await (await fetch(`${origin.url}/api/v2/openapi.json`)).json(),
        );
        expect(document.headers.get('cache-control')).toBe('no-cache');

        const problem = await fetch(`${edge.url}/problems/version-sunset`);
        expect(await problem.json()).toMatchObject({ status: 410, title: 'API version retired' });
        expect(problem.headers.get('cache-control')).toMatch(/^public, max-age=86400/);

        const page = await fetch(`${edge.url}/api/v1/docs`);
        expect(await page.text()).toContain('is <strong>deprecated</strong>');
        const asset = await fetch(`${edge.url}/api/v2/docs/swagger-ui.css`);
        expect(asset.headers.get('content-type')).toBe('text/css; charset=utf-8');
        expect(asset.headers.get('cache-control')).toMatch(/^public, max-age=86400/);
        expect((await asset.text()).length).toBeGreaterThan(10_000);

        // None of these reached the origin.
        const paths = proxy.requests.map((request) => request.path);
        expect(
          paths.filter((path) => /^\/(health|problems|api\/v\d\/(openapi|docs))/.test(path)),
        ).toEqual([]);
      });

      it('forwards readiness to the origin, and says so when the origin is gone', async () => {
        const ready = await call('GET', '/ready');
        expect(ready.status).toBe(200);
        const orphan = await startEdge(runtime, binary, { EDGE_ORIGIN_URL: 'http://127.0.0.1:9' });
        try {
          const response = await fetch(`${orphan.url}/api/v2/users`);
          expect(response.status).toBe(503);
          expect(response.headers.get('content-type')).toBe('application/problem+json');
          expect(response.headers.get('retry-after')).toBe('1');
        } finally {
          await orphan.close();
        }
      });
    },
    runtimeBinary(runtime),
  );
}
