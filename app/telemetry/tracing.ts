// Traces for one app instance: an OpenTelemetry tracer provider exporting over OTLP/HTTP, with
// W3C trace context in and out. Nothing is registered globally (no global tracer provider,
// context manager or propagator): each app instance owns its tracer, and the active span travels
// in the telemetry's own request scope. Finished spans are encoded and sent by a worker thread
// (worker-exporter.ts), not by the event loop that serves requests. With no OTLP endpoint the SDK
// is not even built: the request path then checks one `undefined` and carries on.
import { hostname } from 'node:os';
import {
  type Context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { createBoundedSpanProcessor, type DropReason } from './span-export.ts';
import { createWorkerExporter } from './worker-exporter.ts';

type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

export interface TracingOptions {
  /** Full OTLP/HTTP traces URL; undefined turns tracing off. */
  tracesUrl: string | undefined;
  /**
   * The OTLP/HTTP encoding. JSON is the default although OpenTelemetry's is protobuf: measured in
   * this app under load, the SDK's protobuf writer (per-character loops in JavaScript) cost 13–18
   * µs a span against 7–8 µs for JSON, whose writing V8's JSON.stringify does. Encoding now runs
   * on the export worker, off the event loop, but it is CPU all the same. Collectors take both.
   */
  protocol: 'http/json' | 'http/protobuf';
  headers: Record<string, string>;
  exportTimeoutMs: number;
  serviceName: string;
  serviceVersion: string;
  deploymentColour: string;
  sampler: SamplerName;
  samplerRatio: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduleDelayMs: number;
}

export interface Tracing {
  /** Undefined when tracing is off. */
  readonly tracer: Tracer | undefined;
  /** The parent context carried by incoming `traceparent`/`tracestate` headers. */
  extract(header: (name: string) => string | undefined): Context;
  /** Writes `traceparent`/`tracestate` for `context` into outgoing headers. */
  inject(context: Context, setHeader: (name: string, value: string) => void): void;
  /** Exports what is queued, within `timeoutMs`; what is left then is lost (and counted). */
  shutdown(timeoutMs: number): Promise<void>;
}

export interface TracingCounters {
  onExported(count: number): void;
  onDropped(reason: DropReason, count: number): void;
}

/** `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. */
export function tracesUrl(
  endpoint: string | undefined,
  tracesEndpoint: string | undefined,
): string | undefined {
  if (tracesEndpoint) return tracesEndpoint;
  if (!endpoint) return undefined;
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** `OTEL_EXPORTER_OTLP_HEADERS`: `key=value,…` with URL-encoded values (the OTel spec's format). */
export function parseHeaders(raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(
      pair.slice(at + 1).trim(),
    );
  }
  return headers;
}

function createSampler(name: SamplerName, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

const propagator = new W3CTraceContextPropagator();

export function createTracing(options: TracingOptions, counters: TracingCounters): Tracing {
  const extract: Tracing['extract'] = (header) => {
    const traceparent = header('traceparent');
    // Most requests carry no trace context: no carrier, no parsing.
    if (traceparent === undefined) return ROOT_CONTEXT;
    return propagator.extract(
      ROOT_CONTEXT,
      { traceparent, tracestate: header('tracestate') },
      defaultTextMapGetter,
    );
  };
  const inject: Tracing['inject'] = (context, setHeader) => {
    const carrier: Record<string, string> = {};
    propagator.inject(context, carrier, defaultTextMapSetter);
    for (const [name, value] of Object.entries(carrier)) setHeader(name, value);
  };
  if (!options.tracesUrl) {
    return { tracer: undefined, extract, inject, shutdown: async () => {} };
  }

  const resource = {
    'service.name': options.serviceName,
    'service.version': options.serviceVersion,
    'service.instance.id': `${hostname()}-${process.pid}`,
    'deployment.colour': options.deploymentColour,
  };
  const exporter = createWorkerExporter({
    url: options.tracesUrl,
    protocol: options.protocol,
    headers: options.headers,
    timeoutMillis: options.exportTimeoutMs,
    resource,
  });
  const processor = createBoundedSpanProcessor(exporter, {
    maxQueueSize: options.maxQueueSize,
    maxExportBatchSize: Math.min(options.maxExportBatchSize, options.maxQueueSize),
    scheduleDelayMs: options.scheduleDelayMs,
    ...counters,
  });
  const provider = new TracerProvider({
    resource: resourceFromAttributes(resource),
    sampler: createSampler(options.sampler, options.samplerRatio),
    spanProcessors: [processor],
  });

  return {
    tracer: provider.getTracer('myapp'),
    extract,
    inject,
    async shutdown(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      try {
        await Promise.race([provider.shutdown(), deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
