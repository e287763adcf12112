// Sequences of helm commands over the real chart that the Helm 4 model plays: a first install and
// upgrades as the README and NOTES.txt document them, with the HPA acting in between where it
// would. Values accumulate across steps, as `--reset-then-reuse-values` does.
import { APP_VERSION, IMAGE } from '../chart/cases.ts';
import type { SetValues } from '../chart/helm.ts';
import type { HelmOptions } from './helm4-model.ts';

export const EXTERNAL_DATABASE: SetValues = {
  ...IMAGE,
  'postgresql.enabled': false,
  'externalDatabase.url': 'postgresql://myapp:secret@db.example.com:5432/myapp',
};

interface CommandStep {
  command: 'install' | 'upgrade';
  /** --set values of this command, on top of the earlier ones. */
  set: SetValues;
  options?: HelmOptions;
  /** The HPA controller scales these Deployments after this command (name → replicas). */
  hpaScalesAfter?: Record<string, number>;
}

export interface ChartCase {
  name: string;
  /** Values in force before the first step (the installed release's, for upgrade-only cases). */
  base: SetValues;
  steps: CommandStep[];
}

const HPA: SetValues = { 'autoscaling.enabled': true };

/** A rolling install switched to blue-green, the running version on blue. */
const INTO_BLUE_GREEN: CommandStep[] = [
  { command: 'install', set: { 'migrations.enabled': false } },
  {
    command: 'upgrade',
    // Blue-green keeps each running colour's tag in values: pin the one rolling ran.
    set: { 'migrations.enabled': true, strategy: 'bluegreen', 'blueGreen.blue.tag': APP_VERSION },
  },
];

export const CHART_CASES: ChartCase[] = [
  {
    name: 'first install with an external database',
    base: EXTERNAL_DATABASE,
    steps: [{ command: 'install', set: {}, options: { wait: true } }],
  },
  {
    name: 'rolling upgrade of an installed release',
    base: EXTERNAL_DATABASE,
    // The release exists (installed by client-side apply or before the defect), so the upgrade's
    // hooks find the ServiceAccount; this is the path every later scenario takes.
    steps: [
      { command: 'install', set: { 'migrations.enabled': false } },
      { command: 'upgrade', set: { 'migrations.enabled': true, 'image.tag': '0.5.0' } },
    ],
  },
  {
    name: 'blue-green cycle as the README documents it',
    base: EXTERNAL_DATABASE,
    steps: [
      ...INTO_BLUE_GREEN,
      {
        command: 'upgrade',
        set: {
          'blueGreen.step': 'deploy',
          'blueGreen.green.tag': '0.5.0',
          'blueGreen.green.replicas': null,
          'migrations.contract.run': false,
        },
      },
      {
        command: 'upgrade',
        set: { 'blueGreen.step': 'promote', 'blueGreen.activeColor': 'green' },
      },
      {
        command: 'upgrade',
        set: {
          'blueGreen.step': 'retire',
          'blueGreen.blue.replicas': 0,
          'migrations.contract.run': true,
        },
      },
    ],
  },
  {
    name: 'blue-green retire with an HPA that scaled',
    base: { ...EXTERNAL_DATABASE, ...HPA },
    steps: [
      ...INTO_BLUE_GREEN,
      {
        command: 'upgrade',
        set: {
          'blueGreen.step': 'deploy',
          'blueGreen.green.tag': '0.5.0',
          'blueGreen.green.replicas': null,
        },
        hpaScalesAfter: { 'myapp-blue': 3 },
      },
      {
        command: 'upgrade',
        set: { 'blueGreen.step': 'promote', 'blueGreen.activeColor': 'green' },
      },
      { command: 'upgrade', set: { 'blueGreen.step': 'retire', 'blueGreen.blue.replicas': 0 } },
    ],
  },
  {
    name: 'autoscaling turned on for a live release',
    base: EXTERNAL_DATABASE,
    steps: [
      { command: 'install', set: { 'migrations.enabled': false } },
      { command: 'upgrade', set: HPA },
    ],
  },
];
