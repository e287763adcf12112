// The rollout guard (app/flags/guard/main.ts): its Unleash Admin API access, its webhook and
// how it steps a rollout down. The admin URL and both tokens are required: it exists to use them.
import { z } from 'zod';
import { DAY_MS, httpUrl, integer, nameList, oneOf, variables } from './variable.ts';

export const guard = variables({
  UNLEASH_ADMIN_URL: {
    schema: httpUrl,
    default: undefined,
    doc: "Unleash's API base for its Admin API calls, e.g. `http://unleash:4242/api/`.",
  },
  UNLEASH_ADMIN_TOKEN: {
    schema: z.string().trim().min(1, 'expected an Unleash admin token'),
    default: undefined,
    doc: 'Unleash admin API token it changes rollouts with. Never give it to the app.',
    secret: true,
  },
  UNLEASH_PROJECT: {
    schema: z.string().trim().min(1, 'expected an Unleash project id'),
    default: 'default',
    doc: 'Unleash project of the flags (the rollout guard and `npm run stack` use it).',
  },
  GUARD_PORT: {
    schema: integer(0, 65_535),
    default: '9466',
    doc: 'TCP port of its Alertmanager webhook (`POST /alerts`).',
  },
  GUARD_WEBHOOK_TOKEN: {
    schema: z.string().trim().min(16, 'expected at least 16 characters'),
    default: undefined,
    doc: 'the bearer token Alertmanager must send (`http_config.authorization`).',
    secret: true,
  },
  GUARD_DRY_RUN: {
    schema: oneOf(['true', 'false']).transform((value) => value === 'true'),
    default: 'true',
    doc: '`true` logs what it would do and changes nothing. Watch its audit lines before setting `false`.',
  },
  GUARD_ALERTS: {
    schema: nameList(
      /^[A-Za-z_][\w]*(?:\s*,\s*[A-Za-z_][\w]*)*$/,
      'expected alert names separated by commas',
    ),
    default: 'MyappFlagVariantErrorBudgetBurn',
    doc: 'the alerts it acts on. Each firing alert must carry a `feature_flag_key` label naming a flag of `app/flags/catalog.ts`.',
  },
  GUARD_ROLLOUT_STEPS: {
    schema: z
      .string()
      .trim()
      .regex(/^\d{1,2}(?:\s*,\s*\d{1,2})*$/, 'expected percentages below 100 such as 50,25,10')
      .transform((value) => value.split(',').map(Number))
      .refine(
        (steps) => steps.every((step) => step >= 1 && step <= 99),
        'expected percentages from 1 to 99',
      ),
    default: '50,25,10',
    doc: 'the rollout percentages it steps down through; below the lowest it turns the flag off in `UNLEASH_ENVIRONMENT`.',
  },
  GUARD_COOLDOWN_MS: {
    schema: integer(0, DAY_MS),
    default: '600000',
    doc: 'at most one step per flag per this long, so the burn rate can answer the last step before the next (Alertmanager repeats its notifications).',
  },
  GUARD_CANARY_ALERTS: {
    schema: nameList(
      /^(?:[A-Za-z_][\w]*(?:\s*,\s*[A-Za-z_][\w]*)*)?$/,
      'expected alert names separated by commas, or nothing',
    ),
    default: 'AvailabilityCanaryErrorBudgetBurn,LatencyCanaryErrorBudgetBurn',
    doc: 'the per-colour canary alerts on which it takes the canary weight to 0 (with `GUARD_HELM_RELEASE`). Each must carry a `colour` label.',
  },
  GUARD_HELM_RELEASE: {
    schema: z
      .string()
      .trim()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a Helm release name')
      .optional(),
    default: undefined,
    doc: 'the Helm release whose canary it rolls back (`helm upgrade … --set blueGreen.step=deploy --set blueGreen.canaryWeight=0`). Unset: no canary action. Needs `helm` on PATH and rights to upgrade the release.',
  },
  GUARD_HELM_NAMESPACE: {
    schema: z
      .string()
      .trim()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a Kubernetes namespace'),
    default: 'default',
    doc: 'the namespace of `GUARD_HELM_RELEASE`.',
  },
  GUARD_HELM_CHART: {
    schema: z.string().trim().min(1, 'expected a chart path or reference'),
    default: './chart',
    doc: "the chart `helm upgrade` uses for the canary rollback; it must be the deployed chart's version (the guard refuses otherwise).",
  },
});
