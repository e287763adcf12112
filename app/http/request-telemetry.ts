// Per request: the server span (named `METHOD /route/template`, HTTP semantic-convention
// attributes, parented by an incoming W3C `traceparent`), the request-duration histogram with the
// trace id as exemplar, requests in flight, and a child logger carrying request_id, trace_id and
// span_id for every line logged about the request (pino's own trace-id injection does not work
// under ESM). The rest of the request runs inside the telemetry's request scope, so database
// spans and flag evaluations find their request.
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { spanSafeError } from '../telemetry/error-serializer.ts';
import { labelSets3 } from '../telemetry/label-sets.ts';
import type { LineLogger } from '../telemetry/line-logger.ts';
import type { RequestScope, RequestTelemetry } from '../telemetry/telemetry.ts';
import { requestHeader } from './incoming.ts';
import { knownMethod, routeTemplate, UNMATCHED_ROUTE } from './route.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's logger: every line carries request_id, trace_id and span_id. */
    logger: LineLogger;
  }
}

/** An untraced request's exemplar: none (prom-client skips an empty label set). */
const NO_EXEMPLAR = Object.freeze({});

export function requestTelemetry(
  telemetry: RequestTelemetry,
  logger: LineLogger,
): MiddlewareHandler {
  const { metrics, tracing } = telemetry;
  const { tracer } = tracing;
  const durationLabels = labelSets3((method, route, status) => ({
    http_request_method: method,
    http_route: route,
    http_response_status_code: status,
  }));
  return async function requestTelemetry(c, next) {
    const started = performance.now();
    const method = knownMethod(c.req.method);
    let scope: RequestScope = { context: undefined, flagEvaluations: [] };
    let span: ReturnType<NonNullable<typeof tracer>['startSpan']> | undefined;
    if (tracer) {
      const header = (name: string) => requestHeader(c, name);
      const parent = tracing.extract(header);
      // The attributes go on after the sampler's decision, and only on a span that records: the
      // SDK validates every attribute handed to startSpan (an object and a WeakSet per value)
      // even for the requests it then leaves untraced, 9 in 10 of them at a 10% ratio. No sampler
      // this app offers reads them (tracing.ts: always on/off, trace-id ratio, parent-based).
      span = tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
      if (span.isRecording())
        span.setAttributes({
          'http.request.method': method,
          'url.path': c.req.path,
          'user_agent.original': header('user-agent') ?? '',
        });
      scope = { context: trace.setSpan(parent, span), flagEvaluations: [] };
    }
    const ids = span?.spanContext();
    const traced = ids !== undefined && span?.isRecording() === true;
    c.set(
      'logger',
      logger.child(
        traced
          ? { request_id: c.get('requestId'), trace_id: ids.traceId, span_id: ids.spanId }
          : { request_id: c.get('requestId') },
      ),
    );

    metrics.httpServerActiveRequests.inc();
    try {
      await telemetry.runInRequest(scope, next);
    } finally {
      metrics.httpServerActiveRequests.dec();
      const route = routeTemplate(c);
      const status = String(c.res.status);
      const seconds = (performance.now() - started) / 1000;
      metrics.httpServerRequestDuration.observe({
        labels: durationLabels(method, route, status),
        value: seconds,
        // prom-client types exemplar labels as the metric's own labels; they are free-form.
        exemplarLabels: (traced ? { trace_id: ids.traceId } : NO_EXEMPLAR) as Record<string, never>,
      });
      for (const flag of scope.flagEvaluations) {
        metrics.featureFlagRequestDuration.observe(
          {
            feature_flag_key: flag.key,
            feature_flag_result_variant: flag.variant,
            http_response_status_code: status,
          },
          seconds,
        );
      }
      if (span) {
        if (route !== UNMATCHED_ROUTE) {
          span.updateName(`${method} ${route}`);
          span.setAttribute('http.route', route);
        }
        span.setAttribute('http.response.status_code', c.res.status);
        // Server spans are errors for 5xx only: a 4xx is the client's mistake, not ours.
        if (c.res.status >= 500) {
          span.setAttribute('error.type', status);
          // A database error's message and stack quote the values sent: record its facts only.
          if (c.error) span.recordException(spanSafeError(c.error));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      }
    }
  };
}
