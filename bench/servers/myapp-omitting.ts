// myapp as app/main.ts runs it (configuration, dependencies, the Node server), built without
// the global middleware named in MYAPP_OMIT (function names, comma-separated): what
// bench/middleware-cost.ts compares the whole app with. No metrics port, no heartbeat, no
// drain delay: the same for every variant, and none of it is on a request's path.
//   DATABASE_URL=… PORT=… MYAPP_OMIT=accessLog node bench/servers/myapp-omitting.ts
import { createApp } from '../../app/app.ts';
import { apiServerConfig } from '../../app/config/processes.ts';
import { buildDeps, closeDeps } from '../../app/deps.ts';
import { createNodeServer } from '../../app/http/node-server.ts';
import { createLogger } from '../../app/telemetry/logger.ts';

const config = apiServerConfig.loadOrReport(process.env) ?? process.exit(2);
const logger = createLogger({ level: config.LOG_LEVEL, redact: config.LOG_REDACT });
const deps = await buildDeps(config, logger);
const omitMiddleware = (process.env.MYAPP_OMIT ?? '').split(',').filter(Boolean);
const server = createNodeServer(createApp(deps, { omitMiddleware }).fetch, config);
server.listen(config.PORT, config.HOST, () => deps.lifecycle.advance('ready'));
process.on('SIGTERM', () => {
  server.close(() => void closeDeps(deps).then(() => logger.flush()));
  server.closeAllConnections();
});
