// The project's flag client, offline, on definitions a test chooses (written to a temporary
// flags file, as FLAGS_FILE would name one).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientFeaturesResponse } from 'unleash-client';
import { createFlagSource, type FlagSource } from '../../app/flags/flag-source.ts';
import { createLogger } from '../../app/telemetry/logger.ts';

/** A flags file in a fresh temporary folder; `remove()` deletes the folder. */
export async function writeFlagsFile(
  definitions: unknown,
): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'myapp-flags-'));
  const path = join(dir, 'flags.json');
  await writeFile(path, JSON.stringify(definitions));
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** An offline flag source over `definitions`; close() also removes its file. */
export async function offlineFlagSource(
  definitions: ClientFeaturesResponse,
  options: { environment?: string; appName?: string } = {},
): Promise<FlagSource> {
  const file = await writeFlagsFile(definitions);
  const source = await createFlagSource({
    url: undefined,
    token: undefined,
    appName: options.appName ?? 'myapp-test',
    environment: options.environment ?? 'development',
    refreshIntervalMs: 60_000,
    file: file.path,
    logger: createLogger({ level: 'silent' }),
  });
  return {
    ...source,
    get state() {
      return source.state;
    },
    async close() {
      await source.close();
      await file.remove();
    },
  };
}

/** One flexibleRollout flag, as Unleash would serve it. */
export function rolloutFlag(name: string, rollout: number, groupId = name): ClientFeaturesResponse {
  return {
    version: 2,
    features: [
      {
        name,
        enabled: true,
        strategies: [
          {
            name: 'flexibleRollout',
            parameters: { rollout: String(rollout), stickiness: 'default', groupId },
            constraints: [],
          },
        ],
      },
    ],
  };
}
