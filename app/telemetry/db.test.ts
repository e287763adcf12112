// Which queries get a span: those of a request whose span records. Under an untraced request
// none is even started: the SDK would validate every attribute only to return a span that
// records nothing.
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
