// The guard's second action: a per-colour canary burn alert fires during a canary step, and the
// guard takes the canary's weight to 0 through the values path a person would use,
//   helm upgrade <release> <chart> --namespace <ns> --reset-then-reuse-values --no-hooks \
//     --set blueGreen.step=deploy --set blueGreen.canaryWeight=0
// The canary's pods keep running without users (for the investigation); the stable colour's
// objects render exactly as before (the step changes routing only). `--no-hooks`: the deploy
// step would run the expand migration and its Job first, and a rollback must not wait on a
// database that may be part of the incident. Not `helm rollback`: the previous revision of a
// 5 → 25 canary is the 5% canary, still sending users to the bad version.
//
// Safety, as the flag action: dry run decides and logs exactly as live, changing nothing; only
// firing alerts act; one action per colour however many alerts name it; idempotent, because it
// reads the release's values first and acts only while they say step=canary with a weight, on
// the alert's colour; refuses when the release is busy (another upgrade in flight) or when its
// chart is not the deployed chart's version (the upgrade would change more than the weight).
// Every decision writes one audit line.
import { z } from 'zod';
import type { Logger } from '../../telemetry/logger.ts';
import type { CanaryAlarm } from './alertmanager.ts';
import type { HelmRunner } from './helm.ts';

type CanaryAction =
  | {
      release: string;
      action: 'rollback-canary';
      colour: string;
      from: number;
      to: 0;
      command: string[];
    }
  | { release: string; action: 'skip' | 'failed'; colour: string; reason: string };

export interface CanaryRollbackOptions {
  helm: HelmRunner;
  release: string;
  namespace: string;
  chart: string;
  dryRun: boolean;
  /** Where the audit lines go: at info level, whatever LOG_LEVEL says (main.ts). */
  audit: Logger;
}

export interface CanaryRollback {
  handle(alarms: readonly CanaryAlarm[]): Promise<CanaryAction[]>;
}

/** What the guard reads of `helm get values --all`: the blue-green state. */
const releaseValues = z.looseObject({
  strategy: z.string(),
  blueGreen: z.looseObject({
    step: z.string(),
    activeColor: z.enum(['blue', 'green']),
    canaryWeight: z.coerce.number(),
  }),
});

/** `helm list --output json`, one release. */
const releaseList = z.array(
  z.looseObject({ name: z.string(), status: z.string(), chart: z.string() }),
);

/**
 * `<name>-<version>` (as `helm list` names a release's chart) from `helm show chart`, which
 * prints Chart.yaml: two top-level scalars are all the guard needs, so no YAML parser.
 */
export function chartId(chartYaml: string): string {
  const field = (key: string) =>
    new RegExp(`^${key}:\\s*["']?([^"'\\s]+)["']?\\s*$`, 'm').exec(chartYaml)?.[1];
  const name = field('name');
  const version = field('version');
  return name && version ? `${name}-${version}` : 'unreadable';
}

export function createCanaryRollback(options: CanaryRollbackOptions): CanaryRollback {
  const { helm, release, namespace } = options;
  const ns = ['--namespace', namespace];
  const command = [
    'upgrade',
    release,
    options.chart,
    ...ns,
    '--reset-then-reuse-values',
    '--no-hooks',
    '--set',
    'blueGreen.step=deploy',
    '--set',
    'blueGreen.canaryWeight=0',
  ];
  // One decision at a time, across webhooks too: two must not both read step=canary and upgrade.
  let queue: Promise<unknown> = Promise.resolve();

  function audit(action: CanaryAction, alarm: CanaryAlarm): CanaryAction {
    options.audit.info(
      {
        audit: {
          ...action,
          namespace,
          dryRun: options.dryRun,
          alertnames: alarm.alertNames,
          alerts: alarm.fingerprints,
        },
      },
      `rollout guard: ${action.action} ${release} (${alarm.colour})${options.dryRun ? ' (dry run: nothing changed)' : ''}`,
    );
    return action;
  }

  async function decide(alarm: CanaryAlarm): Promise<CanaryAction> {
    const { colour } = alarm;
    const skip = (reason: string): CanaryAction => ({ release, action: 'skip', colour, reason });
    const failed = (reason: string): CanaryAction => ({
      release,
      action: 'failed',
      colour,
      reason,
    });
    const listed = releaseList.parse(
      // --all: without it helm lists only deployed and failed releases, never a pending one.
      JSON.parse(
        await helm(['list', ...ns, '--all', '--filter', `^${release}$`, '--output', 'json']),
      ),
    );
    const deployed = listed.find((entry) => entry.name === release);
    if (!deployed) return skip(`no release ${release} in namespace ${namespace}`);
    // Helm refuses a second upgrade while one is pending; answer failed so Alertmanager retries.
    // A failed last upgrade (an analysis that failed without --rollback-on-failure) is no reason
    // to wait: its canary weight is live, and helm upgrades a failed release (reusing the last
    // deployed revision's values; the two --set values still take the weight to 0).
    if (/^pending-|^uninstalling$/.test(deployed.status))
      return failed(`the release is ${deployed.status}: another operation is in progress`);
    const values = releaseValues.safeParse(
      JSON.parse(await helm(['get', 'values', release, ...ns, '--all', '--output', 'json'])),
    );
    if (!values.success) return skip('the release has no blue-green values to read');
    const { strategy, blueGreen } = values.data;
    if (strategy !== 'bluegreen' || blueGreen.step !== 'canary')
      return skip(`no canary step (strategy=${strategy}, step=${blueGreen.step})`);
    if (blueGreen.canaryWeight <= 0) return skip('the canary already has weight 0');
    const canary = blueGreen.activeColor === 'blue' ? 'green' : 'blue';
    if (colour !== canary) return skip(`the alert is about ${colour}, but the canary is ${canary}`);
    const ours = chartId(await helm(['show', 'chart', options.chart]));
    if (ours !== deployed.chart)
      return skip(
        `the deployed chart is ${deployed.chart} and the guard's is ${ours}: the upgrade would change more than the weight`,
      );
    const action: CanaryAction = {
      release,
      action: 'rollback-canary',
      colour,
      from: blueGreen.canaryWeight,
      to: 0,
      command: ['helm', ...command],
    };
    if (!options.dryRun) await helm(command);
    return action;
  }

  async function handleOne(alarm: CanaryAlarm): Promise<CanaryAction> {
    try {
      return await decide(alarm);
    } catch (error) {
      // helm's stderr can name cluster internals: the detail goes to the log, the webhook's
      // answer (and the audit line) get a generic reason.
      options.audit.warn({ err: error, release }, 'rollout guard: a helm call failed');
      return { release, action: 'failed', colour: alarm.colour, reason: 'a helm call failed' };
    }
  }

  return {
    handle(alarms) {
      const run = queue.then(async () => {
        const actions: CanaryAction[] = [];
        for (const alarm of alarms) actions.push(audit(await handleOne(alarm), alarm));
        return actions;
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
