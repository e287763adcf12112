// createApp(deps): the whole HTTP application as a Hono app. No I/O here (but reading the docs
// page's assets from the installed package) and no module state, so a test can build as many
// apps as it likes, each against its own database.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { createNegotiator, routedPath } from './api/negotiation.ts';
import { loadDocsAssets, loadMigrationGuides } from './api/openapi/docs-page.ts';
import { buildApiDocuments } from './api/openapi/documents.ts';
import { openApiRoutes } from './api/openapi/routes.ts';
import { usersV1 } from './api/v1/users.ts';
import { recommendationsV2 } from './api/v2/recommendations.ts';
import { usersV2 } from './api/v2/users.ts';
import { type ApiVersionId, findVersion, versionIds } from './api/versions.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { retryOnContention } from './db/retry.ts';
import type { Flags } from './flags/flags.ts';
import { accessLog } from './http/access-log.ts';
import { apiVersioning } from './http/api-version.ts';
import { apiVersionUsage, publishSunsetDates } from './http/api-version-usage.ts';
import { closeConnectionsWhenDraining } from './http/drain.ts';
import type { AppEnv } from './http/env.ts';
import { errorHandler } from './http/errors.ts';
import { healthRoutes } from './http/health.ts';
import { methodNotAllowed } from './http/method-not-allowed.ts';
import { notFound } from './http/not-found.ts';
import { requestedPath } from './http/path.ts';
import { HttpProblem } from './http/problem.ts';
import { problemDocs } from './http/problem-docs.ts';
import { rateLimit } from './http/rate-limit/middleware.ts';
import type { RateLimitStore } from './http/rate-limit/store.ts';
import { requestId } from './http/request-id.ts';
import { requestTelemetry } from './http/request-telemetry.ts';
import { requestTimeout } from './http/timeout.ts';
import type { Lifecycle } from './lifecycle/state.ts';
import { createProductsRepository } from './recommendations/repository.ts';
import { createRecommendationsService } from './recommendations/service.ts';
import type { Logger } from './telemetry/logger.ts';
import type { Telemetry } from './telemetry/telemetry.ts';
import { createUsersRepository } from './users/repository.ts';
import { createUsersService } from './users/service.ts';

/** Everything the app needs, made explicit: entries build it (app/deps.ts), tests their own. */
export interface Deps {
  config: Config;
  db: Database;
  logger: Logger;
  /** Metrics registry, tracer and request scope of this app instance. */
  telemetry: Telemetry;
  lifecycle: Lifecycle;
  clock: () => Date;
  /** Names of the migrations this build needs that the database lacks (readiness). */
  missingMigrations: () => Promise<string[]>;
  rateLimitStore: RateLimitStore;
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

function defaultVersion(config: Config): ApiVersionId {
  const version = findVersion(config.API_DEFAULT_VERSION);
  if (!version) {
    throw new Error(
      `API_DEFAULT_VERSION=${config.API_DEFAULT_VERSION}: expected one of ${versionIds.join(', ')}`,
    );
  }
  return version.id;
}

export function createApp(deps: Deps): Hono<AppEnv> {
  const { config, db, logger, lifecycle } = deps;
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
  const fallbackVersion = defaultVersion(config);
  // Unversioned API paths are routed to the negotiated version's routes (app/api/negotiation.ts).
  const negotiate = createNegotiator(fallbackVersion, requestedPath);
  const app = new Hono<AppEnv>({
    getPath: (request) => routedPath(requestedPath(request.url), negotiate(request)),
  });

  app.use(requestId());
  app.use(requestTelemetry(deps.telemetry, logger));
  app.use(accessLog());
  app.use(closeConnectionsWhenDraining(lifecycle));
  app.use(secureHeaders({ crossOriginResourcePolicy: 'same-origin' }));
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
      limits: config.RATE_LIMITS,
      windowMs: config.RATE_LIMIT_WINDOW_MS,
      trustedProxyHops: config.TRUST_PROXY_HOPS,
      onStoreError: (error) => {
        // Counted every time (the alert's input), logged at most every 10 s.
        deps.telemetry.metrics.rateLimitStoreErrors.inc({
          error_type: error instanceof Error ? error.name : 'unknown',
        });
        reportStoreError(error);
      },
    }),
  );
  app.use(requestTimeout(config.REQUEST_TIMEOUT_MS, db));
  app.use(
    bodyLimit({
      maxSize: config.BODY_LIMIT_BYTES,
      onError: () => {
        throw new HttpProblem('payload-too-large', {
          detail: `The body exceeds the limit of ${config.BODY_LIMIT_BYTES} bytes.`,
        });
      },
    }),
  );

  app.route('/', healthRoutes({ ...deps, readyDbTimeoutMs: config.READY_DB_TIMEOUT_MS }));
  app.route('/', problemDocs());
  // Each version's OpenAPI document is built once, here, from the schemas its routes validate
  // with; the docs page's assets are read once from the installed swagger-ui-dist, the
  // migration guides once from docs/api/.
  app.route('/', openApiRoutes(buildApiDocuments(), loadDocsAssets(), loadMigrationGuides()));
  app.route('/api/v1/users', usersV1(users));
  app.route('/api/v2/users', usersV2(users));
  app.route(
    '/api/v2/users/:id/recommendations',
    recommendationsV2(recommendations, { trustedProxyHops: config.TRUST_PROXY_HOPS }),
  );

  app.notFound(notFound);
  app.onError(errorHandler(logger));
  return app;
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
