// createApp(deps): the whole HTTP application as a Hono app. No I/O here and no module state,
// so a test can build as many apps as it likes, each against its own database.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { usersV1 } from './api/v1/users.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { accessLog } from './http/access-log.ts';
import { closeConnectionsWhenDraining } from './http/drain.ts';
import type { AppEnv } from './http/env.ts';
import { errorHandler } from './http/errors.ts';
import { healthRoutes } from './http/health.ts';
import { methodNotAllowed } from './http/method-not-allowed.ts';
import { notFound } from './http/not-found.ts';
import { HttpProblem } from './http/problem.ts';
import { problemDocs } from './http/problem-docs.ts';
import { requestId } from './http/request-id.ts';
import { requestTimeout } from './http/timeout.ts';
import type { Lifecycle } from './lifecycle/state.ts';
import type { Logger } from './telemetry/logger.ts';
import { createUsersRepository } from './users/repository.ts';
import { createUsersService } from './users/service.ts';

/** Everything the app needs, made explicit: entries build it (app/deps.ts), tests their own. */
export interface Deps {
  config: Config;
  db: Database;
  logger: Logger;
  lifecycle: Lifecycle;
  clock: () => Date;
  /** Names of the migrations this build needs that the database lacks (readiness). */
  missingMigrations: () => Promise<string[]>;
}

export function createApp(deps: Deps): Hono<AppEnv> {
  const { config, db, logger, lifecycle } = deps;
  const users = createUsersService(createUsersRepository(db.orm), deps.clock);
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(accessLog(logger));
  app.use(closeConnectionsWhenDraining(lifecycle));
  app.use(secureHeaders({ crossOriginResourcePolicy: 'same-origin' }));
  app.use(methodNotAllowed(app));
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
  app.route('/api/v1/users', usersV1(users));

  app.notFound(notFound);
  app.onError(errorHandler(logger));
  return app;
}
