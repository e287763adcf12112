// Finished spans as plain data, to cross from the request thread to the export worker
// (export-worker.ts) by structured clone, and back into the shape the OTLP serializers read.
// Both directions live here: this file is the wire format, so the two sides cannot drift apart.
// Structured clone keeps every attribute value as it was (numbers, booleans, arrays, bytes); only
// the trace state, an object with methods, travels as its W3C header string.
import { createTraceState, type SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

interface SpanContextRecord {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
  traceState?: string;
}

export interface SpanRecord {
  name: string;
  kind: ReadableSpan['kind'];
  context: SpanContextRecord;
  parent?: SpanContextRecord;
  startTime: ReadableSpan['startTime'];
  endTime: ReadableSpan['endTime'];
  duration: ReadableSpan['duration'];
  status: ReadableSpan['status'];
  attributes: ReadableSpan['attributes'];
  events: ReadableSpan['events'];
  links: {
    context: SpanContextRecord;
    attributes?: ReadableSpan['attributes'];
    droppedAttributesCount?: number;
  }[];
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  scope: InstrumentationScope;
}

function contextRecord(context: SpanContext): SpanContextRecord {
  const record: SpanContextRecord = {
    traceId: context.traceId,
    spanId: context.spanId,
    traceFlags: context.traceFlags,
  };
  if (context.isRemote !== undefined) record.isRemote = context.isRemote;
  if (context.traceState) record.traceState = context.traceState.serialize();
  return record;
}

function spanContext(record: SpanContextRecord): SpanContext {
  const { traceState, ...context } = record;
  return traceState === undefined
    ? context
    : { ...context, traceState: createTraceState(traceState) };
}

/** The request thread's half: reads the span's fields, copies nothing deep. */
export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const { name, version, schemaUrl } = span.instrumentationScope;
  return {
    name: span.name,
    kind: span.kind,
    context: contextRecord(span.spanContext()),
    ...(span.parentSpanContext ? { parent: contextRecord(span.parentSpanContext) } : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    status: span.status,
    attributes: span.attributes,
    events: span.events,
    links: span.links.map((link) => ({
      context: contextRecord(link.context),
      ...(link.attributes ? { attributes: link.attributes } : {}),
      ...(link.droppedAttributesCount
        ? { droppedAttributesCount: link.droppedAttributesCount }
        : {}),
    })),
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    scope: { name, version, schemaUrl },
  };
}

/**
 * The worker's half: a function rebuilding spans. Every span shares `resource` and, per
 * instrumentation scope, one scope object: the protobuf encoder groups spans by identity.
 */
export function spanRebuilder(resource: Resource): (record: SpanRecord) => ReadableSpan {
  const scopes = new Map<string, InstrumentationScope>();
  const scopeOf = ({ name, version = '', schemaUrl = '' }: InstrumentationScope) => {
    const key = `${name}@${version}:${schemaUrl}`;
    let scope = scopes.get(key);
    if (!scope) {
      scope = { name, ...(version ? { version } : {}), ...(schemaUrl ? { schemaUrl } : {}) };
      scopes.set(key, scope);
    }
    return scope;
  };
  return (record) => {
    const context = spanContext(record.context);
    return {
      name: record.name,
      kind: record.kind,
      spanContext: () => context,
      ...(record.parent ? { parentSpanContext: spanContext(record.parent) } : {}),
      startTime: record.startTime,
      endTime: record.endTime,
      duration: record.duration,
      ended: true,
      status: record.status,
      attributes: record.attributes,
      events: record.events,
      links: record.links.map((link) => ({ ...link, context: spanContext(link.context) })),
      droppedAttributesCount: record.droppedAttributesCount,
      droppedEventsCount: record.droppedEventsCount,
      droppedLinksCount: record.droppedLinksCount,
      resource,
      instrumentationScope: scopeOf(record.scope),
    };
  };
}
