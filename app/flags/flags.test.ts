// The typed flag facade over the offline client: overrides beat the file, every evaluation is
// counted, a re-read file takes effect, a broken one keeps the last known flags and is counted.
// Costs about a second (a few 200 ms refresh intervals).
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { rolloutFlag, writeFlagsFile } from '../../test/support/flags.ts';
import { apiServerConfig } from '../config/processes.ts';
import { createLogger } from '../telemetry/logger.ts';
import { createTelemetry } from '../telemetry/telemetry.ts';
import { telemetryOptions } from '../telemetry-options.ts';
import { checkOverrides, createFlags, type Flags, UnknownFlagError } from './flags.ts';

const FLAG = 'new_recommendation_algo';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(definitions: unknown, env: Record<string, string> = {}) {
  const file = await writeFlagsFile(definitions);
  const config = apiServerConfig.load({
    FLAGS_FILE: file.path,
    UNLEASH_REFRESH_INTERVAL_MS: '200',
    ...env,
  });
  const telemetry = createTelemetry(telemetryOptions(config));
  const flags: Flags = await createFlags({
    config,
    logger: createLogger({ level: 'silent' }),
    telemetry,
  });
  cleanups.push(async () => {
    await flags.close();
    await file.remove();
  });
  const metrics = async () => (await telemetry.expose(undefined)).body;
  return { flags, file, metrics };
}

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 5_000) => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('flags', () => {
  it('serves the file offline and counts each evaluation by flag and variant', async () => {
    const { flags, metrics } = await start(rolloutFlag(FLAG, 100));
    expect(flags.state).toBe('offline');
    expect(flags.isEnabled(FLAG, { userId: '1' })).toBe(true);
    expect(flags.isEnabled(FLAG, { userId: '2' })).toBe(true);
    expect(await metrics()).toMatch(
      /feature_flag_evaluations_total\{feature_flag_key="new_recommendation_algo",feature_flag_result_variant="on"\} 2/,
    );
    // Offline, reading the file is the sync: the stale-client alert stays quiet.
    const lastSync = Number(
      /^feature_flag_client_last_sync_timestamp_seconds (\S+)$/m.exec(await metrics())?.[1],
    );
    expect(Date.now() / 1000 - lastSync).toBeLessThan(60);
  });

  it('lets FLAG_OVERRIDES beat the flags file, both ways', async () => {
    const on = await start(rolloutFlag(FLAG, 0), { FLAG_OVERRIDES: `${FLAG}=on` });
    expect(on.flags.isEnabled(FLAG, { userId: '1' })).toBe(true);
    const off = await start(rolloutFlag(FLAG, 100), { FLAG_OVERRIDES: `${FLAG}=off` });
    expect(off.flags.isEnabled(FLAG, { userId: '1' })).toBe(false);
  });

  it('refuses an override of a flag that does not exist', () => {
    expect(() => checkOverrides({ new_recomendation_algo: false })).toThrow(UnknownFlagError);
    expect(() => checkOverrides({ new_recomendation_algo: false })).toThrow(
      /new_recommendation_algo/,
    );
  });

  it('answers the catalog’s fallback for a flag the file lacks', async () => {
    const { flags } = await start(rolloutFlag('some_other_flag', 100));
    expect(flags.isEnabled(FLAG, { userId: '1' })).toBe(false);
  });

  it('follows an edited file, and keeps the last known flags while it is broken', async () => {
    const { flags, file, metrics } = await start(rolloutFlag(FLAG, 0));
    expect(flags.isEnabled(FLAG, { userId: '1' })).toBe(false);
    await writeFile(file.path, JSON.stringify(rolloutFlag(FLAG, 100)));
    await until(() => flags.isEnabled(FLAG, { userId: '1' }));
    await writeFile(file.path, '{ not json');
    await until(async () =>
      /feature_flag_client_errors_total\{error_type="other"\} [1-9]/.test(await metrics()),
    );
    expect(flags.state).toBe('failing');
    expect(flags.isEnabled(FLAG, { userId: '1' })).toBe(true);
  });

  it('counts each change of a catalog flag’s definition once, from 0', async () => {
    const { flags, file, metrics } = await start(rolloutFlag(FLAG, 0));
    const changes = async () =>
      /^feature_flag_definition_changes_total\{feature_flag_key="new_recommendation_algo"\} (\S+)$/m.exec(
        await metrics(),
      )?.[1];
    expect(await changes()).toBe('0');
    await writeFile(file.path, JSON.stringify(rolloutFlag(FLAG, 100)));
    await until(() => flags.isEnabled(FLAG, { userId: '1' }));
    await until(async () => (await changes()) === '1');
    // With a flag the catalog lacks: logged, never a label value (the label stays bounded).
    const half = rolloutFlag(FLAG, 50);
    const unknown = rolloutFlag('not_in_catalog', 50);
    const both = { ...half, features: [...half.features, ...unknown.features] };
    await writeFile(file.path, JSON.stringify(both));
    await until(async () => (await changes()) === '2');
    expect(await metrics()).not.toContain('not_in_catalog');
    // Syncs that bring nothing new (every 200 ms) count nothing.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await changes()).toBe('2');
  });

  it('refuses to start on a file that is not client-features JSON', async () => {
    await expect(start({ version: 2, features: [] })).rejects.toThrow(/at least one flag/);
    await expect(start({ features: 'nope' })).rejects.toThrow(/client-features/);
  });
});
