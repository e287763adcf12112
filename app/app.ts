// createApp(deps): the whole HTTP application as a Hono app. No I/O here and no module state,
// so a test can build as many apps as it likes, each against its own database.
// Two shapes of deps: the container's (the whole API on its database: app/deps.ts) and the edge
// tier's (the same middleware and the pages that need no database, with everything else
// forwarded to the container origin: app/edge.ts). Nothing here may import Node built-ins or
// Node-only packages at run time: the edge bundle is built from this file (test/edge/).
import { type Context, Hono } from 'hono';
import { databaseProblem, domainErrors } from './api/error-problems.ts';
import { createNegotiator, routedPath } from './api/negotiation.ts';
import type { DocsAsset } from './api/openapi/docs-page.ts';
import { buildApiDocuments } from './api/openapi/documents.ts';
import { openApiRoutes } from './api/openapi/routes.ts';
import { usersV1 } from './api/v1/users.ts';
import { recommendationsV2 } from './api/v2/recommendations.ts';
import { usersV2 } from './api/v2/users.ts';
import { apiVersioning } from './api/versioning/api-version.ts';
import { apiVersionUsage, publishSunsetDates } from './api/versioning/api-version-usage.ts';
import { type ApiVersionId, findVersion, versionIds } from './api/versions.ts';
import type { ApiConfig } from './config/api.ts';
import type { ApiServerConfig } from './config/processes.ts';
import type { RateLimitConfig } from './config/rate-limit.ts';
import type { Database } from './db/database.ts';
import { retryOnContention } from './db/retry.ts';
import type { Flags } from './flags/flags.ts';
import { accessLog } from './http/access-log.ts';
import { requestBodyLimit } from './http/body-limit.ts';
import { closeConnectionsWhenDraining } from './http/drain.ts';
import { errorHandler, thrownValuesAsErrors } from './http/errors.ts';
import { healthRoutes, livenessRoutes } from './http/health.ts';
import { methodNotAllowed } from './http/method-not-allowed.ts';
import { notFound } from './http/not-found.ts';
import { omitMiddleware } from './http/omit-middleware.ts';
import { requestedPath } from './http/path.ts';
import { problemDocs } from './http/problem-docs.ts';
import { rateLimit } from './http/rate-limit/middleware.ts';
import type { RateLimitStore } from './http/rate-limit/store.ts';
import { requestId } from './http/request-id.ts';
import { requestTelemetry } from './http/request-telemetry.ts';
import { securityHeaders } from './http/security-headers.ts';
import { requestTimeout } from './http/timeout.ts';
import type { Lifecycle } from './lifecycle/state.ts';
import { createProductsRepository } from './recommendations/repository.ts';
import { createRecommendationsService } from './recommendations/service.ts';
import type { LineLogger } from './telemetry/line-logger.ts';
import type { Logger } from './telemetry/logger.ts';
import type { RequestTelemetry, Telemetry } from './telemetry/telemetry.ts';
import { createUsersRepository } from './users/repository.ts';
import { createUsersService } from './users/service.ts';

/** What the HTTP layer needs wherever it runs: in the container or on the edge. */
interface HttpDeps {
  /** The settings createApp reads wherever it runs. */
  config: ApiConfig & RateLimitConfig;
  logger: LineLogger;
  telemetry: RequestTelemetry;
  lifecycle: Lifecycle;
  clock: () => Date;
  rateLimitStore: RateLimitStore;
  /** The TCP peer's address where the runtime exposes one (none for in-process requests). */
  peerAddress: (c: Context) => string | undefined;
  /** The docs page's files (Swagger UI): read from the installed package, or bundled. */
  docsAssets: Record<string, DocsAsset>;
  /** Each version's migration guide (docs/api/); none on the edge, whose origin serves them. */
  migrationGuides: Partial<Record<ApiVersionId, Uint8Array<ArrayBuffer>>>;
}

/** Everything the app needs, made explicit: entries build it (app/deps.ts), tests their own. */
export interface Deps extends HttpDeps {
  /** The API server's whole configuration: readiness reads READY_DB_TIMEOUT_MS. */
  config: ApiServerConfig;
  db: Database;
  logger: Logger;
  /** Metrics registry, tracer and request scope of this app instance. */
  telemetry: Telemetry;
  /** Names of the migrations this build needs that the database lacks (readiness). */
  missingMigrations: () => Promise<string[]>;
  /** Feature flags: Unleash, or the offline flags file (app/flags/). */
  flags: Flags;
}

/**
 * A write that lost a deadlock runs up to this often. PostgreSQL detects a deadlock only after
 * `deadlock_timeout` (1 s by default), so each lost run costs that long: three stay well inside
 * REQUEST_TIMEOUT_MS's default.
 */
const CONTENTION_ATTEMPTS = 3;
const CONTENTION_BASE_DELAY_MS = 20;

/** The edge tier: no database; what needs one goes to the container origin. */
export interface EdgeTierDeps extends HttpDeps {
  /** Sends the request on to the origin and returns its answer (app/edge/origin.ts). */
  forward: (c: Context) => Promise<Response>;
}

/** The edge tier's forwarder aborts its own fetch on the request's signal: nothing else runs. */
const NOTHING_TO_CANCEL = {
  cancellable: <T>(_signal: AbortSignal, work: () => Promise<T>) => work(),
};

function defaultVersion(config: ApiConfig): ApiVersionId {
  const version = findVersion(config.API_DEFAULT_VERSION);
  if (!version) {
    throw new Error(
      `API_DEFAULT_VERSION=${config.API_DEFAULT_VERSION}: expected one of ${versionIds.join(', ')}`,
    );
  }
  return version.id;
}

export interface AppOptions {
  /** Global middleware to leave out, by function name: only to measure what each costs (bench/). */
  omitMiddleware?: readonly string[];
}

export function createApp(deps: Deps | EdgeTierDeps, options: AppOptions = {}): Hono {
  const { config, logger, lifecycle } = deps;
  const fallbackVersion = defaultVersion(config);
  // Unversioned API paths are routed to the negotiated version's routes (app/api/negotiation.ts).
  const negotiate = createNegotiator(fallbackVersion, requestedPath);
  const app = new Hono({
    getPath: (request) => routedPath(requestedPath(request.url), negotiate(request)),
  });
  const omitted = options.omitMiddleware && omitMiddleware(app, options.omitMiddleware);

  // The order is what each step needs from those before it. Thrown values become Errors
  // outermost, so whatever is thrown reaches the error handler. The request id next: every log
  // line and problem carries it. Telemetry and the access log next, so they time and see every
  // answer, the refusals below included. Draining, security headers and 405 apply to all paths.
  // The version is negotiated before the rate limit, whose limit is per version; both refuse
  // before the timeout and the body limit, so a refused request reads no body and starts no
  // work. The body limit last, right before the routes that read bodies.
  app.use(thrownValuesAsErrors());
  app.use(requestId());
  app.use(requestTelemetry(deps.telemetry, logger));
  app.use(accessLog());
  app.use(closeConnectionsWhenDraining(lifecycle));
  app.use(securityHeaders());
  app.use(methodNotAllowed(app));
  const versionUsage = apiVersionUsage({
    requests: deps.telemetry.metrics.apiVersionRequests,
    clientNames: config.API_CLIENT_NAMES,
    logger,
    clock: deps.clock,
  });
  publishSunsetDates(deps.telemetry.metrics.apiVersionSunset);
  app.use(
    apiVersioning({
      negotiate,
      clock: deps.clock,
      onUse: versionUsage.onUse,
      onDeprecatedUse: versionUsage.onDeprecatedUse,
    }),
  );
  const reportStoreError = reportEvery(10_000, (error, suppressed) =>
    logger.warn({ err: error, suppressed }, 'rate-limit store failed; requests let through'),
  );
  app.use(
    rateLimit({
      store: deps.rateLimitStore,
      policy: (c) => c.get('apiVersion')?.version,
      limits: config.RATE_LIMITS,
      windowMs: config.RATE_LIMIT_WINDOW_MS,
      trustedProxyHops: config.TRUST_PROXY_HOPS,
      peerAddress: deps.peerAddress,
      onStoreError: (error) => {
        // Counted every time (the alert's input), logged at most every 10 s.
        deps.telemetry.metrics.rateLimitStoreErrors.inc({
          error_type: error instanceof Error ? error.name : 'unknown',
        });
        reportStoreError(error);
      },
    }),
  );
  app.use(requestTimeout(config.REQUEST_TIMEOUT_MS, 'db' in deps ? deps.db : NOTHING_TO_CANCEL));
  app.use(requestBodyLimit(config.BODY_LIMIT_BYTES));

  app.route(
    '/',
    'db' in deps
      ? healthRoutes({ ...deps, readyDbTimeoutMs: deps.config.READY_DB_TIMEOUT_MS })
      : livenessRoutes(lifecycle),
  );
  app.route('/', problemDocs());
  // Each version's OpenAPI document is built once, here, from the schemas its routes validate
  // with; the docs assets and migration guides come with the deps (read from disk, or bundled).
  app.route('/', openApiRoutes(buildApiDocuments(), deps.docsAssets, deps.migrationGuides));
  if ('db' in deps) apiRoutes(app, deps);
  // Readiness, the API's resources and anything unknown: the origin answers (404s included).
  else app.all('*', deps.forward);

  app.notFound(notFound);
  app.onError(errorHandler({ logger, knownErrors: domainErrors, classifiers: [databaseProblem] }));
  omitted?.check();
  return app;
}

/** The API's resources, on the database. */
function apiRoutes(app: Hono, deps: Deps): void {
  const { config, db, logger } = deps;
  const retryWrites = retryOnContention({
    attempts: CONTENTION_ATTEMPTS,
    baseDelayMs: CONTENTION_BASE_DELAY_MS,
    onContention: (code, outcome) =>
      deps.telemetry.metrics.dbClientContention.inc({ db_response_status_code: code, outcome }),
  });
  const users = createUsersService(createUsersRepository(db.orm, retryWrites), deps.clock);
  const recommendations = createRecommendationsService({
    products: createProductsRepository(db.orm),
    findUser: (id) => users.get(id),
    flags: deps.flags,
    onFallback(failed, error) {
      deps.telemetry.metrics.recommendationFallbacks.inc({
        recommendation_algorithm: failed,
        error_type: error instanceof Error ? error.name : 'unknown',
      });
      logger.warn(
        { err: error, algorithm: failed },
        'recommendation algorithm failed; classic served',
      );
    },
  });
  app.route('/api/v1/users', usersV1(users));
  app.route('/api/v2/users', usersV2(users));
  app.route(
    '/api/v2/users/:id/recommendations',
    recommendationsV2(recommendations, {
      trustedProxyHops: config.TRUST_PROXY_HOPS,
      peerAddress: deps.peerAddress,
    }),
  );
}

/** Calls `report` at most once per `intervalMs`, with how many calls it swallowed since. */
function reportEvery(intervalMs: number, report: (error: unknown, suppressed: number) => void) {
  let last = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (error: unknown) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed++;
      return;
    }
    report(error, suppressed);
    last = now;
    suppressed = 0;
  };
}
