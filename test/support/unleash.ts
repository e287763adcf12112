// A real Unleash server for tests: installed by .ci/run (scripts/tools/unleash-install.ts) into
// a cache outside the app's dependencies, never downloaded at test time. Like describeWithTool:
// a loud skip on a developer's machine without it, a failure under CI=true.
import {
  isUnleashServerInstalled,
  UNLEASH_SERVER_VERSION,
  unleashInstallDir,
} from '../../scripts/tools/unleash-install.ts';
import { describeRequiring } from './tools.ts';

export function describeWithUnleash(name: string, body: () => void): void {
  const missing = isUnleashServerInstalled()
    ? undefined
    : `unleash-server@${UNLEASH_SERVER_VERSION} is not installed in ${unleashInstallDir()}: run \`node scripts/tools/unleash-install.ts\` (or .ci/run)`;
  describeRequiring(name, missing, body);
}
