// Which queries get a span: those of a request whose span records. Under an untraced request
// none is even started: the SDK would validate every attribute only to return a span that
// records nothing. And the pool gauges, counted from the queries in flight.
import { type Context, ROOT_CONTEXT, TraceFlags, type Tracer, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { createQueryObserver } from './db.ts';
import { createMetrics } from './metrics.ts';

function observed(parent: () => Context | undefined) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('db-test');
  let started = 0;
  const counting: Tracer = {
    startSpan: (...args) => {
      started++;
      return tracer.startSpan(...args);
    },
    startActiveSpan: tracer.startActiveSpan.bind(tracer),
  };
  const observer = createQueryObserver(
    { system: 'postgresql', namespace: 'app', poolMax: 2 },
    counting,
    parent,
    createMetrics().metrics,
  );
  return {
    query: (text: string) => observer.start(text)(),
    spans: () => exporter.getFinishedSpans().map((span) => span.name),
    started: () => started,
  };
}

describe('db spans', () => {
  it('come under a request whose span records', () => {
    const request = new TracerProvider().getTracer('request').startSpan('GET /users/:id');
    const { query, spans, started } = observed(() => trace.setSpan(ROOT_CONTEXT, request));
    query('select "id" from "users" where "id" = $1');
    expect(spans()).toEqual(['select users']);
    expect(started()).toBe(1);
  });

  it('are not started under a request the sampler left untraced, nor outside a request', () => {
    const untraced = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
    });
    const { query, started } = observed(() => trace.setSpan(ROOT_CONTEXT, untraced));
    query('select "id" from "users" where "id" = $1');
    expect(started()).toBe(0);
    const outside = observed(() => undefined);
    outside.query('select 1');
    expect(outside.started()).toBe(0);
  });
});

describe('pool gauges', () => {
  it('count queries in flight as connections in use up to the pool size, the rest as pending', async () => {
    const { metrics, registry } = createMetrics();
    const observer = createQueryObserver(
      { system: 'postgresql', namespace: 'app', poolMax: 2 },
      undefined,
      () => undefined,
      metrics,
    );
    const pool = async () => {
      const value = async (name: string) =>
        (await registry.getSingleMetric(name)?.get())?.values[0]?.value;
      return {
        max: await value('db_client_connection_max'),
        used: await value('db_client_connections'),
        pending: await value('db_client_connection_pending_requests'),
      };
    };
    expect(await pool()).toEqual({ max: 2, used: 0, pending: 0 });
    const settle = [1, 2, 3].map(() => observer.start('select 1'));
    expect(await pool()).toEqual({ max: 2, used: 2, pending: 1 });
    settle[0]?.();
    settle[0]?.(); // settling twice counts once
    expect(await pool()).toEqual({ max: 2, used: 2, pending: 0 });
    settle[1]?.(new Error('connection lost'));
    settle[2]?.();
    expect(await pool()).toEqual({ max: 2, used: 0, pending: 0 });
  });
});
