import { describe, expect, it } from 'vitest';
import { telemetryOptions } from '../telemetry-options.ts';
import { ConfigError, type ProcessConfig } from './compose.ts';
import { apiServerConfig, edgeTierConfig, guardConfig, migrationConfig } from './processes.ts';
import type { Variables } from './variable.ts';

const loadConfig = apiServerConfig.load;

function problemsOf(
  env: Record<string, string>,
  process: ProcessConfig<Variables> = apiServerConfig,
): readonly string[] {
  try {
    process.load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the API server configuration', () => {
  it('has working defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      DATA_DIR: './.data',
      LOG_LEVEL: 'info',
      DATABASE_URL: undefined,
    });
    expect(config.KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
    // Slow clients are cut off well before Node's own 60 s / 300 s.
    expect(config.HEADERS_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
    expect(config.RECEIVE_TIMEOUT_MS).toBeLessThanOrEqual(30_000);
    expect(config.RECEIVE_TIMEOUT_MS).toBeGreaterThan(config.REQUEST_TIMEOUT_MS);
    expect(config.MAX_CONNECTIONS).toBeGreaterThan(0);
  });

  it('reads and converts values, treating empty as unset', () => {
    const config = loadConfig({
      PORT: ' 8080 ',
      LOG_LEVEL: 'DEBUG',
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      HOST: '',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      HOST: '0.0.0.0',
    });
  });

  it('names every bad variable in one error, and what it expects', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      LOG_LEVEL: 'verbose',
      DATABASE_URL: 'mysql://root@localhost/app',
      BODY_LIMIT_BYTES: '-5',
      REQUEST_TIMEOUT_MS: '1.5',
    });
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/PORT="eighty": expected a whole number from 1 to 65535/);
    expect(problems.join('\n')).toMatch(
      /LOG_LEVEL="verbose": expected one of: fatal, error, warn, info, debug, trace, silent/,
    );
    expect(problems.join('\n')).toMatch(
      /DATABASE_URL=\(value hidden\): expected a postgres:\/\/ or postgresql:\/\/ URL/,
    );
    expect(problems.join('\n')).toMatch(/BODY_LIMIT_BYTES="-5"/);
    expect(problems.join('\n')).toMatch(/REQUEST_TIMEOUT_MS="1.5"/);
  });

  it('never echoes the database URL, which may hold a password', () => {
    const message = (() => {
      try {
        loadConfig({ DATABASE_URL: 'postgres//user:s3cret@db' });
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('s3cret');
  });

  it('rejects out-of-range ports', () => {
    expect(problemsOf({ PORT: '0' })[0]).toMatch(/^PORT="0"/);
    expect(problemsOf({ PORT: '65536' })[0]).toMatch(/^PORT="65536"/);
  });

  it('requires the shutdown deadline to leave time after the drain delay', () => {
    expect(problemsOf({ DRAIN_DELAY_MS: '10000', SHUTDOWN_TIMEOUT_MS: '5000' })[0]).toMatch(
      /SHUTDOWN_TIMEOUT_MS=5000: expected more than DRAIN_DELAY_MS \(10000\)/,
    );
  });
});

describe('the OTLP encoding', () => {
  const protocolOf = (env: Record<string, string>) =>
    telemetryOptions(loadConfig(env)).tracing.protocol;

  it('is JSON unless set; the traces variable wins over the general one', () => {
    expect(protocolOf({})).toBe('http/json');
    expect(protocolOf({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' })).toBe('http/protobuf');
    expect(
      protocolOf({
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      }),
    ).toBe('http/json');
  });

  it('refuses gRPC (not built in) with what it accepts', () => {
    expect(problemsOf({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })[0]).toMatch(
      /OTEL_EXPORTER_OTLP_PROTOCOL="grpc": expected one of: http\/json, http\/protobuf/,
    );
  });
});

describe('HTTP server timeouts', () => {
  it('refuses a receive timeout below the headers timeout, as Node would', () => {
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '20000', RECEIVE_TIMEOUT_MS: '15000' })).toThrow(
      /RECEIVE_TIMEOUT_MS=15000: expected at least HEADERS_TIMEOUT_MS/,
    );
  });
});

describe('one configuration per process', () => {
  it('validates only what the process reads: a bad migration setting does not stop the API', () => {
    expect(() => loadConfig({ MIGRATION_LOCK_RETRIES: 'many', GUARD_PORT: 'x' })).not.toThrow();
    expect(problemsOf({ MIGRATION_LOCK_RETRIES: 'many' }, migrationConfig)[0]).toMatch(
      /^MIGRATION_LOCK_RETRIES="many"/,
    );
    expect(Object.keys(edgeTierConfig.variables)).not.toContain('DATABASE_URL');
    expect(Object.keys(apiServerConfig.variables)).not.toContain('UNLEASH_ADMIN_TOKEN');
  });

  it('requires what the guard exists to use, naming every missing one and hiding tokens', () => {
    expect(problemsOf({}, guardConfig)).toEqual([
      'UNLEASH_ADMIN_URL: required',
      'UNLEASH_ADMIN_TOKEN: required',
      'GUARD_WEBHOOK_TOKEN: required',
    ]);
    const problems = problemsOf(
      {
        UNLEASH_ADMIN_URL: 'http://unleash:4242/api/',
        UNLEASH_ADMIN_TOKEN: 'admin-token',
        GUARD_WEBHOOK_TOKEN: 'short',
      },
      guardConfig,
    );
    expect(problems).toEqual([
      'GUARD_WEBHOOK_TOKEN=(value hidden): expected at least 16 characters',
    ]);
  });

  it('requires the edge its origin', () => {
    expect(problemsOf({}, edgeTierConfig)).toEqual(['EDGE_ORIGIN_URL: required']);
    expect(edgeTierConfig.load({ EDGE_ORIGIN_URL: 'http://origin:80' }).EDGE_ORIGIN_URL).toBe(
      'http://origin:80',
    );
  });

  it('checks the contract gate window against the heartbeat in the migration command', () => {
    expect(
      problemsOf(
        { HEARTBEAT_INTERVAL_MS: '30000', CONTRACT_GATE_WINDOW_MS: '60000' },
        migrationConfig,
      )[0],
    ).toMatch(
      /CONTRACT_GATE_WINDOW_MS=60000: expected at least 3 × HEARTBEAT_INTERVAL_MS \(90000\)/,
    );
  });
});
