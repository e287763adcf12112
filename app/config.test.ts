import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { telemetryOptions } from './telemetry-options.ts';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has working defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      DATA_DIR: './.data',
      LOG_LEVEL: 'info',
      DATABASE_URL: undefined,
    });
    expect(config.HEADERS_TIMEOUT_MS).toBeGreaterThan(config.KEEP_ALIVE_TIMEOUT_MS);
    expect(config.KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
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
