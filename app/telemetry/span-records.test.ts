import {
  createTraceState,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { spanCollector } from '../../test/support/finished-spans.ts';
import { encodeSpans, spanDecoder } from './span-records.ts';

const RESOURCE = { 'service.name': 'myapp', 'service.version': '1.2.3' };

/** Real SDK spans using every field the OTLP encoders read. */
function finishedSpans(): ReadableSpan[] {
  const { provider, finished: spans } = spanCollector(RESOURCE);
  const tracer = provider.getTracer('myapp', '0.4.0');
  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('vendor=opaque,other=1'),
  });
  const server = tracer.startSpan(
    'GET /api/v2/users/:id',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.response.status_code': 500,
        ratio: 0.25,
        cached: false,
        'http.request.header.accept': ['application/json', 'text/plain'],
        digest: new Uint8Array([0, 1, 254, 255]),
      },
      links: [
        {
          context: {
            traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
            spanId: '00f067aa0ba902b7',
            traceFlags: TraceFlags.NONE,
            traceState: createTraceState('linked=yes'),
          },
          attributes: { 'link.reason': 'batch' },
        },
      ],
    },
    remoteParent,
  );
  server.addEvent('feature_flag.evaluation', {
    'feature_flag.key': 'new_recommendation_algo',
    'feature_flag.result.variant': 'on',
  });
  server.recordException(new TypeError('boom'));
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'database unavailable' });
  const query = tracer.startSpan(
    'select users',
    { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'server.port': 5432 } },
    trace.setSpan(remoteParent, server),
  );
  query.end();
  server.end();
  // A second scope: the encoders group each scope's spans under it.
  provider.getTracer('other-library', '2.0.0').startSpan('work').end();
  return spans;
}

/** Through the records and a structured clone, as they cross to the export worker. */
function crossToWorker(spans: ReadableSpan[]): ReadableSpan[] {
  return spanDecoder(resourceFromAttributes(RESOURCE))(structuredClone(encodeSpans(spans)));
}

describe('span records (the export worker wire format)', () => {
  it('encode to the same OTLP/JSON bytes as the spans they came from', () => {
    const spans = finishedSpans();
    expect(spans).toHaveLength(3);
    const direct = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans));
    const crossed = new TextDecoder().decode(
      JsonTraceSerializer.serializeRequest(crossToWorker(spans)),
    );
    expect(crossed).toBe(direct);
    // The comparison covers what matters: trace state, remote parent, links, events, bytes.
    expect(direct).toContain('"traceState":"vendor=opaque,other=1"');
    expect(direct).toContain('"traceState":"linked=yes"');
    expect(direct).toContain('feature_flag.evaluation');
    expect(direct).toContain('"bytesValue":"AAH+/w=="');
    expect(direct).toContain('"scope":{"name":"other-library","version":"2.0.0"}');
  });

  it('encode to the same OTLP/protobuf bytes as the spans they came from', () => {
    const spans = finishedSpans();
    const direct = ProtobufTraceSerializer.serializeRequest(spans);
    const crossed = ProtobufTraceSerializer.serializeRequest(crossToWorker(spans));
    expect(Buffer.from(crossed as Uint8Array).equals(Buffer.from(direct as Uint8Array))).toBe(true);
  });

  it('refuse a batch that is not whole spans', () => {
    const batch = encodeSpans(finishedSpans());
    const decode = spanDecoder(resourceFromAttributes(RESOURCE));
    expect(() => decode(batch.slice(0, -1))).toThrow(/values a span/);
  });
});
