// The rollout guard: what open-source Unleash lacks. An Alertmanager webhook says a flag's
// variant burns its error budget; the guard steps that flag's rollout down one step (or turns
// it off below the lowest) through the Unleash Admin API. Every decision, including "did
// nothing", writes one audit log line.
//
// Safety: at most one step per flag per cooldown (Alertmanager repeats notifications, and the
// burn rate needs time to answer a step); only firing alerts act, never resolved ones; an alert
// about the control variant (`off`) does not act, since the rollout is not what burns; dry run
// decides and logs exactly as live, changing nothing.
import type { Logger } from '../../telemetry/logger.ts';
import { type AdminFeature, environmentOf, type UnleashAdmin } from '../admin-api.ts';
import { isFlagName } from '../catalog.ts';
import type { FlagAlarm } from './alertmanager.ts';
import { nextRollout } from './step-down.ts';

type GuardAction =
  | { flag: string; action: 'step-down'; from: number; to: number }
  | { flag: string; action: 'turn-off'; from: number | 'on' }
  | { flag: string; action: 'skip' | 'failed'; reason: string };

export interface RolloutGuardOptions {
  admin: UnleashAdmin;
  environment: string;
  steps: readonly number[];
  cooldownMs: number;
  dryRun: boolean;
  /** Where the audit lines go: at info level, whatever LOG_LEVEL says (main.ts). */
  audit: Logger;
  clock?: () => number;
}

export interface RolloutGuard {
  handle(alarms: readonly FlagAlarm[]): Promise<GuardAction[]>;
}

const ROLLOUT = 'flexibleRollout';

function rolloutOf(strategy: { parameters?: Record<string, string> }): number {
  const value = Number(strategy.parameters?.rollout ?? '100');
  return Number.isFinite(value) ? value : 100;
}

export function createRolloutGuard(options: RolloutGuardOptions): RolloutGuard {
  const { admin } = options;
  const clock = options.clock ?? Date.now;
  const lastAction = new Map<string, number>();

  function audit(action: GuardAction, alarm: FlagAlarm): GuardAction {
    options.audit.info(
      {
        audit: {
          ...action,
          dryRun: options.dryRun,
          environment: options.environment,
          variants: alarm.variants,
          alerts: alarm.fingerprints,
        },
      },
      `rollout guard: ${action.action} ${action.flag}${options.dryRun ? ' (dry run: nothing changed)' : ''}`,
    );
    return action;
  }

  async function decide(alarm: FlagAlarm, feature: AdminFeature | undefined): Promise<GuardAction> {
    const { flag } = alarm;
    if (!feature) return { flag, action: 'skip', reason: 'Unleash has no such flag' };
    const state = environmentOf(feature, options.environment);
    if (!state) return { flag, action: 'skip', reason: `no environment ${options.environment}` };
    if (!state.enabled) return { flag, action: 'skip', reason: 'already off' };
    const rollouts = state.strategies.filter((strategy) => strategy.name === ROLLOUT);
    const apply = async (action: GuardAction) => {
      if (options.dryRun) return action;
      if (action.action === 'turn-off') await admin.setEnabled(flag, false);
      if (action.action === 'step-down') {
        for (const strategy of rollouts)
          if (rolloutOf(strategy) > action.to) await admin.setRollout(flag, strategy.id, action.to);
      }
      return action;
    };
    // Targeting the guard cannot step (user lists, constraints alone): the kill switch.
    if (rollouts.length === 0) return apply({ flag, action: 'turn-off', from: 'on' });
    const current = Math.max(...rollouts.map(rolloutOf));
    const next = nextRollout(current, options.steps);
    return apply(
      next === 'off'
        ? { flag, action: 'turn-off', from: current }
        : { flag, action: 'step-down', from: current, to: next },
    );
  }

  async function handleOne(alarm: FlagAlarm): Promise<GuardAction> {
    const { flag } = alarm;
    if (!isFlagName(flag)) return { flag, action: 'skip', reason: 'not a flag of this app' };
    if (alarm.variants.length > 0 && alarm.variants.every((variant) => variant === 'off'))
      return { flag, action: 'skip', reason: 'only the control variant (off) burns' };
    const since = clock() - (lastAction.get(flag) ?? Number.NEGATIVE_INFINITY);
    if (since < options.cooldownMs)
      return {
        flag,
        action: 'skip',
        reason: `rate limited: last step ${Math.round(since / 1000)} s ago, cooldown ${Math.round(options.cooldownMs / 1000)} s`,
      };
    try {
      const action = await decide(alarm, await admin.feature(flag));
      if (action.action === 'step-down' || action.action === 'turn-off')
        lastAction.set(flag, clock());
      return action;
    } catch (error) {
      // The Admin API's error can quote its own internals: the detail goes to the log, the
      // webhook's answer (and the audit line) get a generic reason.
      options.audit.warn({ err: error, flag }, 'rollout guard: Unleash Admin API call failed');
      return { flag, action: 'failed', reason: 'the Unleash Admin API call failed' };
    }
  }

  return {
    async handle(alarms) {
      const actions: GuardAction[] = [];
      // One flag at a time: two alerts must not race each other's read-then-write.
      for (const alarm of alarms) actions.push(audit(await handleOne(alarm), alarm));
      return actions;
    },
  };
}
