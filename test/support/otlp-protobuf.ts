// Decodes an OTLP/HTTP protobuf traces export (`ExportTraceServiceRequest`) with protobufjs, an
// independent decoder, into the shape OTLP/JSON has, so the receiver reads both encodings the
// same way. The schema below is the subset of opentelemetry-proto's trace and common messages the
// tests read, with the field numbers of the OTLP specification; fields not listed are skipped.
import protobuf from 'protobufjs';

const keyValue = { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } };

const root = protobuf.Root.fromJSON({
  nested: {
    ExportTraceServiceRequest: {
      fields: { resourceSpans: { rule: 'repeated', type: 'ResourceSpans', id: 1 } },
    },
    ResourceSpans: {
      fields: {
        resource: { type: 'Resource', id: 1 },
        scopeSpans: { rule: 'repeated', type: 'ScopeSpans', id: 2 },
      },
    },
    Resource: { fields: { attributes: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
    ScopeSpans: { fields: { spans: { rule: 'repeated', type: 'Span', id: 2 } } },
    Span: {
      fields: {
        traceId: { type: 'bytes', id: 1 },
        spanId: { type: 'bytes', id: 2 },
        parentSpanId: { type: 'bytes', id: 4 },
        name: { type: 'string', id: 5 },
        kind: { type: 'int32', id: 6 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 9 },
        events: { rule: 'repeated', type: 'Event', id: 11 },
        status: { type: 'Status', id: 15 },
      },
    },
    Event: {
      fields: {
        name: { type: 'string', id: 2 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
      },
    },
    Status: { fields: { message: { type: 'string', id: 2 }, code: { type: 'int32', id: 3 } } },
    KeyValue: keyValue,
    AnyValue: {
      oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue'] } },
      fields: {
        stringValue: { type: 'string', id: 1 },
        boolValue: { type: 'bool', id: 2 },
        intValue: { type: 'int64', id: 3 },
        doubleValue: { type: 'double', id: 4 },
      },
    },
  },
});

const request = root.lookupType('ExportTraceServiceRequest');

/** Ids in OTLP/JSON are hex strings; in protobuf they are bytes. */
function idsToHex(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(idsToHex);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, idsToHex(inner)]));
  }
  return value;
}

/** The export body as OTLP/JSON would carry it (int64 values as decimal strings). */
export function decodeTraceExport(body: Uint8Array): { resourceSpans?: unknown[] } {
  const message = request.decode(body);
  return idsToHex(request.toObject(message, { longs: String })) as { resourceSpans?: unknown[] };
}
