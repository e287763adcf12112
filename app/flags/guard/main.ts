// The rollout guard's entry: `npm run guard` (or `node app/flags/guard/main.ts`). A separate
// process from the app, because it holds an Unleash ADMIN token that no app replica should
// carry, and because one instance keeps the per-flag cooldown in one place. Run one replica.
import { guardConfig } from '../../config/processes.ts';
import { createLogger } from '../../telemetry/logger.ts';
import { createUnleashAdmin } from '../admin-api.ts';
import { createCanaryRollback } from './canary-rollback.ts';
import { createRolloutGuard } from './guard.ts';
import { helmRunner } from './helm.ts';
import { guardNodeServer, guardServer } from './server.ts';

// Its admin URL and tokens are required by its configuration (app/config/guard.ts).
const config = guardConfig.loadOrReport(process.env) ?? process.exit(2);

const logger = createLogger({ level: config.LOG_LEVEL, redact: config.LOG_REDACT }).child({
  component: 'rollout-guard',
});
// The audit trail is never filtered away by LOG_LEVEL.
const audit = createLogger({ level: 'info', redact: config.LOG_REDACT }).child({
  component: 'rollout-guard',
});
const guard = createRolloutGuard({
  admin: createUnleashAdmin({
    url: config.UNLEASH_ADMIN_URL,
    token: config.UNLEASH_ADMIN_TOKEN,
    project: config.UNLEASH_PROJECT,
    environment: config.UNLEASH_ENVIRONMENT,
  }),
  environment: config.UNLEASH_ENVIRONMENT,
  steps: config.GUARD_ROLLOUT_STEPS,
  cooldownMs: config.GUARD_COOLDOWN_MS,
  dryRun: config.GUARD_DRY_RUN,
  audit,
});
// The canary action only with a release to act on (and helm on PATH with rights to upgrade it).
const canary = config.GUARD_HELM_RELEASE
  ? {
      alertNames: config.GUARD_CANARY_ALERTS,
      rollback: createCanaryRollback({
        helm: helmRunner(),
        release: config.GUARD_HELM_RELEASE,
        namespace: config.GUARD_HELM_NAMESPACE,
        chart: config.GUARD_HELM_CHART,
        dryRun: config.GUARD_DRY_RUN,
        audit,
      }),
    }
  : undefined;
const server = guardNodeServer(
  guardServer({
    guard,
    webhookToken: config.GUARD_WEBHOOK_TOKEN,
    alertNames: config.GUARD_ALERTS,
    dryRun: config.GUARD_DRY_RUN,
    ...(canary ? { canary } : {}),
  }),
);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'rollout guard stopping');
    server.close(() => {
      logger.flush();
      process.exit(0);
    });
    server.closeIdleConnections();
  });
}
server.listen(config.GUARD_PORT, config.HOST, () => {
  const address = server.address();
  logger.info(
    {
      port: typeof address === 'object' && address ? address.port : config.GUARD_PORT,
      dryRun: config.GUARD_DRY_RUN,
      alerts: config.GUARD_ALERTS,
      steps: config.GUARD_ROLLOUT_STEPS,
      environment: config.UNLEASH_ENVIRONMENT,
      canaryRelease: config.GUARD_HELM_RELEASE
        ? `${config.GUARD_HELM_NAMESPACE}/${config.GUARD_HELM_RELEASE}`
        : 'off',
      canaryAlerts: config.GUARD_CANARY_ALERTS,
    },
    'rollout guard listening',
  );
});
