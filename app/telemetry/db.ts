// Telemetry for database queries: a span per query (OpenTelemetry database conventions, db.*
// attributes) under the request's span, the query-duration histogram, and the pool-use gauges.
// The database client calls `start(text)` when a query is issued and the returned function when it
// settles; it knows nothing else about telemetry.
import {
  type Attributes,
  type Context,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { holdsDatabaseError } from './error-serializer.ts';
import type { CatalogMetrics } from './metrics.ts';

export interface DbTarget {
  /** `postgresql` (the OTel `db.system.name`). */
  system: string;
  /** The database name (`db.namespace`). */
  namespace: string;
  /**
   * The server it talks to (`server.address`, `server.port`). Absent for an in-process database:
   * the OTel server attributes describe the far end of a network connection, and there is none.
   */
  server?: { address: string; port: number };
  poolMax: number;
}

export interface QueryObserver {
  /** Call when a query is issued; call the result once it settled (with the error, if any). */
  start(text: string): (error?: unknown) => void;
}

/**
 * Reports the query that `issue` starts to `observer`, and returns what `issue` returned itself
 * (postgres.js's query object, which drizzle goes on to configure, is not a plain promise).
 */
export function observeQuery<Query extends PromiseLike<unknown>>(
  observer: QueryObserver,
  text: string,
  issue: () => Query,
): Query {
  const settled = observer.start(text);
  let query: Query;
  try {
    query = issue();
  } catch (error) {
    settled(error);
    throw error;
  }
  query.then(
    () => settled(),
    (error: unknown) => settled(error),
  );
  return query;
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

/** Distinct statement texts described once and remembered (the app has a few dozen). */
const MAX_DESCRIBED_QUERIES = 500;

interface DescribedQuery {
  operation: string;
  collection: string;
  spanName: string;
  attributes: Attributes;
  labels: { db_operation_name: string; db_collection_name: string };
}

export function createQueryObserver(
  target: DbTarget,
  tracer: Tracer | undefined,
  activeContext: () => Context | undefined,
  metrics: CatalogMetrics,
): QueryObserver {
  let inFlight = 0;
  metrics.dbClientConnectionMax.set(target.poolMax);
  // Each gauge is set when its value changes: under load the pool stays full, so the labelled
  // one (prom-client hashes its labels on every set) rarely changes while queries come and go.
  let shownUsed: number | undefined;
  let shownPending: number | undefined;
  const updatePool = () => {
    const used = Math.min(inFlight, target.poolMax);
    const pending = Math.max(0, inFlight - target.poolMax);
    if (used !== shownUsed) {
      shownUsed = used;
      metrics.dbClientConnections.set({ db_client_connection_state: 'used' }, used);
    }
    if (pending !== shownPending) {
      shownPending = pending;
      metrics.dbClientConnectionPendingRequests.set(pending);
    }
  };
  updatePool();

  // The app issues the same few statement texts over and over (drizzle builds the same SQL for
  // the same query): describe each text once (its labels, span name and span attributes) instead
  // of running the regexes and building the attributes on every query. Bounded: a flood of
  // distinct texts (ad-hoc SQL) stops being cached rather than growing memory.
  const described = new Map<string, DescribedQuery>();
  const describe = (text: string): DescribedQuery => {
    let entry = described.get(text);
    if (entry) return entry;
    const { operation, collection } = describeQuery(text);
    entry = {
      operation,
      collection,
      spanName: collection ? `${operation} ${collection}` : operation,
      attributes: {
        'db.system.name': target.system,
        'db.namespace': target.namespace,
        'db.operation.name': operation,
        ...(collection ? { 'db.collection.name': collection } : {}),
        'db.query.text': text.slice(0, MAX_QUERY_TEXT),
        ...(target.server
          ? { 'server.address': target.server.address, 'server.port': target.server.port }
          : {}),
      },
      labels: { db_operation_name: operation, db_collection_name: collection },
    };
    if (described.size < MAX_DESCRIBED_QUERIES) described.set(text, entry);
    return entry;
  };

  return {
    start(text) {
      const started = performance.now();
      const query = describe(text);
      const parent = activeContext();
      // Only queries made for a traced request get a span: no orphan root spans for pings, and
      // none under a request the sampler left untraced, whose children no sampler of this app
      // would record (they share its trace id and its decision), though the SDK would validate
      // every attribute first. (It copies them into the span: the cached object stays untouched.)
      const span =
        tracer && parent && trace.getSpan(parent)?.isRecording()
          ? tracer.startSpan(
              query.spanName,
              { kind: SpanKind.CLIENT, attributes: query.attributes },
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
        const seconds = (performance.now() - started) / 1000;
        if (error === undefined) {
          metrics.dbClientOperationDuration.observe(query.labels, seconds);
          span?.end();
          return;
        }
        const type = errorType(error);
        metrics.dbClientOperationDuration.observe({ ...query.labels, error_type: type }, seconds);
        if (!span) return;
        span.setAttribute('error.type', type);
        span.setStatus({
          code: SpanStatusCode.ERROR,
          // Never the driver's message: PostgreSQL quotes the offending values in it.
          message: holdsDatabaseError(error)
            ? `database error ${type}`
            : error instanceof Error
              ? error.message
              : String(error),
        });
        span.end();
      };
    },
  };
}
