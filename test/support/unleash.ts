// A real Unleash server for tests: installed by .ci/run (scripts/stack/unleash-install.ts) into
// a cache outside the app's dependencies, never downloaded at test time. Like describeWithTool:
// a loud skip on a developer's machine without it, a failure under CI=true.
import { describe } from 'vitest';
import {
  isUnleashServerInstalled,
  UNLEASH_SERVER_VERSION,
  unleashInstallDir,
} from '../../scripts/stack/unleash-install.ts';

export function describeWithUnleash(name: string, body: () => void): void {
  if (isUnleashServerInstalled()) {
    describe(name, body);
    return;
  }
  const reason = `unleash-server@${UNLEASH_SERVER_VERSION} is not installed in ${unleashInstallDir()}: run \`node scripts/stack/unleash-install.ts\` (or .ci/run)`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      throw new Error(`CI=true and ${reason}`);
    });
    return;
  }
  process.stderr.write(`\n!!! SKIPPING tests: ${reason}\n\n`);
  describe.skip(`${name} (SKIPPED: ${reason})`, body);
}
