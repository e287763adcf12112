import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.ts';
import { createLifecycle } from '../lifecycle/state.ts';
import { createLogger } from '../telemetry/logger.ts';
import { healthRoutes } from './health.ts';

/** /ready over a database stand-in whose ping and migration check fail as told. */
function readiness(ping: () => Promise<void>, missing: () => Promise<string[]>) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const lifecycle = createLifecycle();
  lifecycle.advance('ready');
  const routes = healthRoutes({
    lifecycle,
    // Only ping is used by /ready; the rest of the engine is not needed here.
    db: { ping } as unknown as Database,
    logger: createLogger({ level: 'info', destination }),
    readyDbTimeoutMs: 100,
    missingMigrations: missing,
  });
  return { routes, lines };
}

describe('/ready on the public port', () => {
  it('names the failed check and keeps hosts and error texts for the log', async () => {
    const { routes, lines } = readiness(
      () => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:5432')),
      async () => [],
    );
    for (let probe = 0; probe < 3; probe++) {
      const response = await routes.request('/ready');
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(text).not.toContain('10.1.2.3');
      expect(text).not.toContain('ECONNREFUSED');
      expect(JSON.parse(text).checks).toMatchObject({ database: 'unavailable' });
    }
    // Logged once, not once per probe.
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines[0])).toContain('ECONNREFUSED 10.1.2.3:5432');
  });

  it('says the schema is incomplete without naming the migrations', async () => {
    const { routes, lines } = readiness(
      async () => {},
      async () => ['0007_secret_feature.sql'],
    );
    const response = await routes.request('/ready');
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toContain('0007');
    expect(JSON.parse(text).checks).toEqual({
      lifecycle: 'ready',
      database: 'ok',
      schema: 'incomplete',
    });
    expect(lines[0]).toMatchObject({
      check: 'schema',
      missingMigrations: ['0007_secret_feature.sql'],
    });
  });
});
