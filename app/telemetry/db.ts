// Telemetry for database queries: a span per query (OpenTelemetry database conventions, db.*
// attributes) under the request's span, the query-duration histogram, and the pool-use gauges.
// The database client calls `start(text)` when a query is issued and the returned function when it
// settles; it knows nothing else about telemetry.
import { type Context, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { CatalogMetrics } from './metrics.ts';

export interface DbTarget {
  /** `postgresql` (the OTel `db.system.name`). */
  system: string;
  /** The database name (`db.namespace`). */
  namespace: string;
  address: string;
  port: number;
  poolMax: number;
}

export interface QueryObserver {
  /** Call when a query is issued; call the result once it settled (with the error, if any). */
  start(text: string): (error?: unknown) => void;
}

const OPERATIONS = new Set([
  'select',
  'insert',
  'update',
  'delete',
  'with',
  'begin',
  'commit',
  'rollback',
  'set',
  'show',
  'lock',
  'create',
  'alter',
  'drop',
  'truncate',
]);

/** The statement's kind (bounded: unknown kinds are `other`) and first table, for labels. */
export function describeQuery(text: string): { operation: string; collection: string } {
  const keyword = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? '';
  const operation = OPERATIONS.has(keyword) ? keyword : 'other';
  const table =
    /^\s*update\s+"?(\w+)"?/i.exec(text) ??
    /\binto\s+"?(\w+)"?/i.exec(text) ??
    /\bfrom\s+"?(\w+)"?/i.exec(text);
  return { operation, collection: table?.[1]?.toLowerCase() ?? '' };
}

/** A bounded error label: the SQLSTATE or the driver's code, else `_OTHER`. */
function errorType(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return '_OTHER';
}

/** Enough to recognise the statement; the full select list of a wide table adds export volume only. */
const MAX_QUERY_TEXT = 300;

export function createQueryObserver(
  target: DbTarget,
  tracer: Tracer | undefined,
  activeContext: () => Context | undefined,
  metrics: CatalogMetrics,
): QueryObserver {
  let inFlight = 0;
  metrics.dbClientConnectionMax.set(target.poolMax);
  const updatePool = () => {
    metrics.dbClientConnections.set(
      { db_client_connection_state: 'used' },
      Math.min(inFlight, target.poolMax),
    );
    metrics.dbClientConnectionPendingRequests.set(Math.max(0, inFlight - target.poolMax));
  };
  updatePool();

  return {
    start(text) {
      const started = performance.now();
      const { operation, collection } = describeQuery(text);
      const parent = activeContext();
      // Only queries made for a traced request get a span: no orphan root spans for pings.
      const span =
        tracer && parent
          ? tracer.startSpan(
              collection ? `${operation} ${collection}` : operation,
              {
                kind: SpanKind.CLIENT,
                attributes: {
                  'db.system.name': target.system,
                  'db.namespace': target.namespace,
                  'db.operation.name': operation,
                  ...(collection ? { 'db.collection.name': collection } : {}),
                  'db.query.text': text.slice(0, MAX_QUERY_TEXT),
                  'server.address': target.address,
                  'server.port': target.port,
                },
              },
              parent,
            )
          : undefined;
      inFlight++;
      updatePool();
      let settled = false;
      return (error) => {
        if (settled) return;
        settled = true;
        inFlight--;
        updatePool();
        const labels: Record<string, string> = {
          db_operation_name: operation,
          db_collection_name: collection,
        };
        if (error !== undefined) labels.error_type = errorType(error);
        metrics.dbClientOperationDuration.observe(labels, (performance.now() - started) / 1000);
        if (!span) return;
        if (error !== undefined) {
          span.setAttribute('error.type', labels.error_type ?? '_OTHER');
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : String(error),
          });
        }
        span.end();
      };
    },
  };
}
