// Traces, logs and exemplars agree, against the real app (in process, real sockets, real
// PostgreSQL) exporting to a real OTLP/HTTP receiver: an incoming `traceparent` parents the
// server span; the database span is its child with db.* attributes; the request's log line
// carries the same trace and span ids; the latency exemplar carries the trace id; flag
// evaluations become span events. About 1 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type ObservedApp, startObservedApp } from '../support/observed-app.ts';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.ts';

let database: TestDatabase;
let receiver: OtlpReceiver;
let app: ObservedApp;

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startOtlpReceiver();
  app = await startObservedApp(database.url, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    RELEASE: '1.2.3',
    DEPLOYMENT_COLOUR: 'green',
  });
  // A stand-in for a flagged endpoint: evaluates a flag the way the flags client will.
  app.app.get('/api/v1/flag-probe', (c) => {
    app.deps.telemetry.recordFlagEvaluation({
      key: 'new_recommendation_algo',
      variant: 'on',
      provider: 'test',
    });
    return c.json({ ok: true });
  });
});

afterAll(async () => {
  await app?.close();
  await receiver?.close();
  await database?.drop();
});

async function spansOf(traceId: string, count: number) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const spans = receiver.spans.filter((span) => span.traceId === traceId);
    if (spans.length >= count) return spans;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} spans of trace ${traceId} arrived`);
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe('a request with an incoming traceparent', () => {
  it('continues the trace: server span, db span, log line and exemplar share its ids', async () => {
    const response = await fetch(`${app.url}/api/v1/users?limit=5`, {
      headers: {
        traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
        tracestate: 'vendor=opaque',
        'x-request-id': 'trace-test-1',
      },
    });
    expect(response.status).toBe(200);

    const spans = await spansOf(TRACE_ID, 2);
    const server = spans.find((span) => span.name === 'GET /api/v1/users');
    expect(server).toBeDefined();
    expect(server?.parentSpanId).toBe(PARENT_ID);
    expect(server?.kind).toBe(2); // SERVER in OTLP's numbering
    expect(server?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/api/v1/users',
      'http.response.status_code': 200,
      'url.path': '/api/v1/users',
    });
    expect(server?.resource).toMatchObject({
      'service.name': 'myapp',
      'service.version': '1.2.3',
      'deployment.colour': 'green',
    });

    const query = spans.find((span) => span.attributes['db.system.name'] === 'postgresql');
    expect(query?.parentSpanId).toBe(server?.spanId);
    expect(query?.name).toBe('select users');
    expect(query?.attributes).toMatchObject({
      'db.operation.name': 'select',
      'db.collection.name': 'users',
      'server.address': '127.0.0.1',
    });
    expect(String(query?.attributes['db.query.text'])).toMatch(/^select/i);

    const line = app.logs.find(
      (entry) => entry.request_id === 'trace-test-1' && entry.msg === 'request',
    );
    expect(line).toMatchObject({
      msg: 'request',
      route: '/api/v1/users',
      trace_id: TRACE_ID,
      span_id: server?.spanId,
    });

    const scrape = await fetch(app.metricsUrl, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(scrape.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    expect(await scrape.text()).toMatch(
      new RegExp(
        `http_server_request_duration_seconds_bucket\\{[^}]*http_route="/api/v1/users"[^}]*\\} \\d+ # \\{trace_id="${TRACE_ID}"\\}`,
      ),
    );
  });

  it('records flag evaluations as span events and counts requests by variant', async () => {
    const traceId = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1';
    await fetch(`${app.url}/api/v1/flag-probe`, {
      headers: { traceparent: `00-${traceId}-${PARENT_ID}-01` },
    });
    const [server] = await spansOf(traceId, 1);
    expect(server?.events).toContainEqual({
      name: 'feature_flag.evaluation',
      attributes: {
        'feature_flag.key': 'new_recommendation_algo',
        'feature_flag.result.variant': 'on',
        'feature_flag.provider.name': 'test',
      },
    });
    const body = await (await fetch(app.metricsUrl)).text();
    expect(body).toMatch(
      /feature_flag_evaluations_total\{feature_flag_key="new_recommendation_algo",feature_flag_result_variant="on"\} 1/,
    );
    expect(body).toMatch(
      /feature_flag_request_duration_seconds_count\{feature_flag_key="new_recommendation_algo",feature_flag_result_variant="on",http_response_status_code="200"\} 1/,
    );
  });

  it('names unmatched requests by method only and labels them `unmatched`', async () => {
    const traceId = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2';
    const response = await fetch(`${app.url}/no/such/path`, {
      headers: { traceparent: `00-${traceId}-${PARENT_ID}-01` },
    });
    expect(response.status).toBe(404);
    const [server] = await spansOf(traceId, 1);
    expect(server?.name).toBe('GET');
    expect(server?.attributes['http.route']).toBeUndefined();
    const body = await (await fetch(app.metricsUrl)).text();
    expect(body).toMatch(
      /http_server_request_duration_seconds_count\{http_request_method="GET",http_route="unmatched",http_response_status_code="404"\} 1/,
    );
  });

  it('starts a new trace when traceparent is malformed, and never fails the request', async () => {
    const response = await fetch(`${app.url}/health`, {
      headers: { traceparent: 'not-a-traceparent', 'x-request-id': 'trace-test-bad' },
    });
    expect(response.status).toBe(200);
    const line = app.logs.find((entry) => entry.request_id === 'trace-test-bad');
    expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(line?.trace_id).not.toBe('0'.repeat(32));
  });
});

describe('the export encoding', () => {
  /** The encodings of the exports that carried `traceId`'s spans. */
  async function encodingOf(url: string, traceId: string) {
    const before = receiver.encodings.length;
    await fetch(url, { headers: { traceparent: `00-${traceId}-${PARENT_ID}-01` } });
    const spans = await spansOf(traceId, 2);
    return { spans, encodings: new Set(receiver.encodings.slice(before)) };
  }

  it('is OTLP JSON by default', async () => {
    const { spans, encodings } = await encodingOf(
      `${app.url}/api/v1/users?limit=1`,
      'ccccccccccccccccccccccccccccccc3',
    );
    expect(encodings).toEqual(new Set(['application/json']));
    expect(spans.find((span) => span.kind === 3)?.attributes['server.port']).toBeTypeOf('number');
  });

  it('is OTLP protobuf with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf, carrying the same spans', async () => {
    const protobuf = await startObservedApp(database.url, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    try {
      const traceId = 'ddddddddddddddddddddddddddddddd4';
      const { spans, encodings } = await encodingOf(
        `${protobuf.url}/api/v1/users?limit=1`,
        traceId,
      );
      expect(encodings).toEqual(new Set(['application/x-protobuf']));
      const server = spans.find((span) => span.kind === 2);
      expect(server).toMatchObject({ name: 'GET /api/v1/users', parentSpanId: PARENT_ID });
      expect(server?.attributes['http.response.status_code']).toBe(200);
      expect(spans.find((span) => span.kind === 3)?.parentSpanId).toBe(server?.spanId);
    } finally {
      await protobuf.close();
    }
  });
});
