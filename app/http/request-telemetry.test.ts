import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { apiServerConfig } from '../config/processes.ts';
import { capturedLogs } from '../telemetry/captured-logs.ts';
import { createTelemetry, type Telemetry } from '../telemetry/telemetry.ts';
import { telemetryOptions } from '../telemetry-options.ts';
import { problemResponse } from './problem.ts';
import { requestId } from './request-id.ts';
import { requestTelemetry } from './request-telemetry.ts';

/** A real SDK tracer whose only processor keeps the spans that end (no exporter, no worker). */
function spanCollector() {
  const finished: ReadableSpan[] = [];
  const provider = new TracerProvider({
    spanProcessors: [
      {
        onStart() {},
        onEnd: (span) => finished.push(span),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  });
  return { tracer: provider.getTracer('request-telemetry.test'), finished };
}

/**
 * The app's telemetry (its own prom-client registry; tracing off unless `traced`) around a few
 * routes, with the request id set before it as createApp does.
 */
function instrumented(options: { traced?: boolean } = {}) {
  const base = createTelemetry(telemetryOptions(apiServerConfig.load({})));
  const spans = spanCollector();
  const telemetry: Telemetry = options.traced
    ? { ...base, tracing: { ...base.tracing, tracer: spans.tracer } }
    : base;
  const { logger, lines } = capturedLogs();
  const app = new Hono();
  app.use(requestId());
  app.use(requestTelemetry(telemetry, logger));
  // Answers before any route runs, as the rate limit or the body limit does.
  app.use(async (c, next) => {
    if (c.req.header('x-refuse')) return problemResponse(c, 'rate-limited');
    await next();
  });
  app.get('/users/:id', (c) => {
    c.var.logger.info('handling');
    return c.json({ id: c.req.param('id') });
  });
  app.get('/in-flight', async (c) => c.json({ inFlight: (await gauge(base)).at(0)?.value }));
  app.get('/flagged', (c) => {
    base.recordFlagEvaluation({ key: 'new_recommendation_algo', variant: 'on' });
    return c.text('ok');
  });
  app.get('/scope', (c) => c.json({ scoped: base.currentRequest() !== undefined }));
  app.get('/boom', (c) => c.text('failed', 503));
  return { app, telemetry: base, finished: spans.finished, lines };
}

async function gauge(telemetry: Telemetry) {
  return (await telemetry.metrics.httpServerActiveRequests.get()).values;
}

/** The duration histogram's request counts, as `method route status` → count. */
async function requestCounts(telemetry: Telemetry): Promise<Record<string, number>> {
  const { values } = await telemetry.metrics.httpServerRequestDuration.get();
  const counts: Record<string, number> = {};
  for (const value of values) {
    if (value.metricName !== 'http_server_request_duration_seconds_count') continue;
    const { http_request_method, http_route, http_response_status_code } = value.labels;
    counts[`${http_request_method} ${http_route} ${http_response_status_code}`] = value.value;
  }
  return counts;
}

describe('requestTelemetry metrics', () => {
  it('labels each request by method, route template and status, never the raw path', async () => {
    const { app, telemetry } = instrumented();
    await app.request('/users/ada-lovelace');
    await app.request('/users/42');
    await app.request('/boom');
    expect(await requestCounts(telemetry)).toEqual({
      'GET /users/:id 200': 2,
      'GET /boom 503': 1,
    });
    const exposition = (await telemetry.expose(undefined)).body;
    expect(exposition).not.toContain('ada-lovelace');
  });

  it('labels what no route matched as unmatched, and made-up methods as _OTHER', async () => {
    const { app, telemetry } = instrumented();
    await app.request('/no/such/private-path');
    await app.request('/users/1', { method: 'BREW' });
    expect(await requestCounts(telemetry)).toEqual({
      'GET unmatched 404': 1,
      '_OTHER unmatched 404': 1,
    });
  });

  it('reports the route a request was aimed at when a middleware answered it', async () => {
    const { app, telemetry } = instrumented();
    await app.request('/users/7', { headers: { 'x-refuse': '1' } });
    expect(await requestCounts(telemetry)).toEqual({ 'GET /users/:id 429': 1 });
  });

  it('counts a request in flight while it runs and not after', async () => {
    const { app, telemetry } = instrumented();
    const response = await app.request('/in-flight');
    expect(await response.json()).toEqual({ inFlight: 1 });
    expect((await gauge(telemetry)).at(0)?.value).toBe(0);
  });

  it('records the duration of requests that evaluated a flag by its variant', async () => {
    const { app, telemetry } = instrumented();
    await app.request('/flagged');
    await app.request('/users/1');
    const { values } = await telemetry.metrics.featureFlagRequestDuration.get();
    const counts = values.filter((value) => value.metricName?.endsWith('_count'));
    expect(counts).toEqual([
      expect.objectContaining({
        value: 1,
        labels: {
          feature_flag_key: 'new_recommendation_algo',
          feature_flag_result_variant: 'on',
          http_response_status_code: '200',
        },
      }),
    ]);
  });

  it('runs the rest of the request inside its request scope', async () => {
    const { app, telemetry } = instrumented();
    expect(await (await app.request('/scope')).json()).toEqual({ scoped: true });
    expect(telemetry.currentRequest()).toBeUndefined();
  });

  it("gives the request a logger that carries its request id, and no trace id when it's not traced", async () => {
    const { app, lines } = instrumented();
    await app.request('/users/1', { headers: { 'x-request-id': 'req-9' } });
    expect(lines).toEqual([expect.objectContaining({ msg: 'handling', request_id: 'req-9' })]);
    expect(lines[0]).not.toHaveProperty('trace_id');
  });
});

describe('requestTelemetry spans', () => {
  const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
  const PARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;

  it('names the server span by method and route template, with the HTTP attributes', async () => {
    const { app, finished } = instrumented({ traced: true });
    await app.request('/users/42', { headers: { 'user-agent': 'acme-app/2.1' } });
    expect(finished).toHaveLength(1);
    const [span] = finished;
    expect(span?.name).toBe('GET /users/:id');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/users/:id',
      'http.response.status_code': 200,
      'url.path': '/users/42',
      'user_agent.original': 'acme-app/2.1',
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('continues the trace an incoming traceparent names', async () => {
    const { app, finished, lines } = instrumented({ traced: true });
    await app.request('/users/1', { headers: { traceparent: PARENT } });
    const span = finished[0];
    expect(span?.spanContext().traceId).toBe(TRACE_ID);
    expect(span?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    // Every line about the request names its trace and span.
    expect(lines[0]).toMatchObject({ trace_id: TRACE_ID, span_id: span?.spanContext().spanId });
  });

  it('puts the trace id on the duration as an exemplar', async () => {
    const { app, telemetry } = instrumented({ traced: true });
    await app.request('/users/1', { headers: { traceparent: PARENT } });
    const { body } = await telemetry.expose('application/openmetrics-text');
    expect(body).toMatch(
      new RegExp(
        `http_server_request_duration_seconds_bucket\\{[^}]*http_route="/users/:id"[^}]*\\} 1 # \\{trace_id="${TRACE_ID}"\\}`,
      ),
    );
  });

  it('marks 5xx spans as errors and leaves 4xx ones alone', async () => {
    const { app, finished } = instrumented({ traced: true });
    await app.request('/boom');
    await app.request('/users/1', { headers: { 'x-refuse': '1' } });
    const [failed, refused] = finished;
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes['error.type']).toBe('503');
    expect(refused?.status.code).toBe(SpanStatusCode.UNSET);
    expect(refused?.attributes['error.type']).toBeUndefined();
  });

  it('keeps the bare method as the name of an unmatched request', async () => {
    const { app, finished } = instrumented({ traced: true });
    await app.request('/no/such/private-path');
    expect(finished[0]?.name).toBe('GET');
    expect(finished[0]?.attributes['http.route']).toBeUndefined();
  });
});
