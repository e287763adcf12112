// A stand-in for one Helm release in a cluster (no cluster can run here), for the rollout
// guard's canary action: it answers `list`, `get values` and `show chart` from its state, and
// applies the one `upgrade` the guard may run (step=deploy, weight 0), refusing any other call.
export interface Release {
  status: string;
  chart: string;
  values: Record<string, unknown>;
}

export const UPGRADE = [
  'upgrade',
  'shop',
  './chart',
  '--namespace',
  'prod',
  '--reset-then-reuse-values',
  '--no-hooks',
  '--set',
  'blueGreen.step=deploy',
  '--set',
  'blueGreen.canaryWeight=0',
];

export function canaryRelease(overrides: Partial<Record<string, unknown>> = {}): Release {
  return {
    status: 'deployed',
    chart: 'myapp-0.4.0',
    values: {
      strategy: 'bluegreen',
      blueGreen: { step: 'canary', activeColor: 'blue', canaryWeight: 25, ...overrides },
    },
  };
}

/** A release as helm shows it; `upgrade` with exactly the guard's arguments moves it to deploy. */
export function fakeHelm(
  release: Release | undefined,
  chartYaml = 'apiVersion: v2\nname: myapp\nversion: 0.4.0\n',
) {
  const calls: string[][] = [];
  const helm = async (args: readonly string[]) => {
    calls.push([...args]);
    const [verb] = args;
    if (verb === 'list') {
      // As helm: without --all, only deployed and failed releases are listed.
      const listed =
        release && (args.includes('--all') || ['deployed', 'failed'].includes(release.status));
      return JSON.stringify(
        listed ? [{ name: 'shop', namespace: 'prod', ...release, revision: '7' }] : [],
      );
    }
    if (verb === 'get' && release) return JSON.stringify(release.values);
    if (verb === 'show') return chartYaml;
    if (verb === 'upgrade' && release && JSON.stringify(args) === JSON.stringify(UPGRADE)) {
      const blueGreen = release.values.blueGreen as Record<string, unknown>;
      blueGreen.step = 'deploy';
      blueGreen.canaryWeight = 0;
      release.status = 'deployed';
      return 'Release "shop" has been upgraded.';
    }
    throw new Error(`unexpected helm ${args.join(' ')}`);
  };
  return { helm, calls, upgrades: () => calls.filter((call) => call[0] === 'upgrade') };
}
