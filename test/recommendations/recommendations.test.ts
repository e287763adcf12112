// GET /api/v2/users/{id}/recommendations on real PostgreSQL, with the flag from a flags file:
// which algorithm serves follows the sticky rollout, a failing new algorithm falls back to the
// classic one (counted, never a 5xx), bad input gets 4xx problems. About two seconds.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { rolloutFlag, writeFlagsFile } from '../support/flags.ts';

const FLAG = 'new_recommendation_algo';
let database: TestDatabase;
let app: TestApp;
let flagsFile: Awaited<ReturnType<typeof writeFlagsFile>>;

async function createUser(index: number): Promise<number> {
  const response = await fetch(`${app.url}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: `User ${index}`, email: `user${index}@example.com` }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: number }).id;
}

const recommend = (path: string) => fetch(`${app.url}${path}`);

beforeAll(async () => {
  database = await createTestDatabase();
  flagsFile = await writeFlagsFile(rolloutFlag(FLAG, 50));
  app = await startTestApp(database.url, { FLAGS_FILE: flagsFile.path });
});

afterAll(async () => {
  await app?.close();
  await flagsFile?.remove();
  await database?.drop();
});

describe('recommendations', () => {
  it('serves each user by the algorithm the 50% rollout gives them, stably', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, index) => createUser(index)));
    const algorithms = new Map<number, string>();
    for (const id of ids) {
      const response = await recommend(`/api/v2/users/${id}/recommendations`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as {
        userId: number;
        algorithm: string;
        fallback: boolean;
        items: unknown[];
      };
      expect(body).toMatchObject({ userId: id, fallback: false });
      expect(body.items).toHaveLength(5);
      algorithms.set(id, body.algorithm);
    }
    expect(new Set(algorithms.values())).toEqual(new Set(['classic', 'new']));
    for (const id of ids.slice(0, 5)) {
      const again = (await (await recommend(`/api/v2/users/${id}/recommendations`)).json()) as {
        algorithm: string;
      };
      expect(again.algorithm).toBe(algorithms.get(id));
    }
    // Unversioned paths negotiate v2 for the same answer.
    const unversioned = await recommend(`/api/users/${ids[0]}/recommendations?limit=2`);
    expect(((await unversioned.json()) as { items: unknown[] }).items).toHaveLength(2);
  });

  it('answers the classic bestsellers in a fixed order', async () => {
    const id = await createUser(100);
    const flagsOff = await startTestApp(database.url, { FLAG_OVERRIDES: `${FLAG}=off` });
    try {
      const body = (await (
        await fetch(`${flagsOff.url}/api/v2/users/${id}/recommendations?limit=3`)
      ).json()) as {
        algorithm: string;
        items: { sku: string }[];
      };
      expect(body.algorithm).toBe('classic');
      expect(body.items.map((item) => item.sku)).toEqual(['EL-001', 'KT-001', 'OD-004']);
    } finally {
      await flagsOff.close();
    }
  });

  it('counts requests per variant for the flags dashboard', async () => {
    const body = (await app.deps.telemetry.expose(undefined)).body;
    expect(body).toMatch(
      /feature_flag_request_duration_seconds_count\{feature_flag_key="new_recommendation_algo",feature_flag_result_variant="on",http_response_status_code="200"\} [1-9]/,
    );
    expect(body).toMatch(
      /feature_flag_result_variant="off",http_response_status_code="200"\} [1-9]/,
    );
  });

  it('answers 404 for an unknown user and 400 for a bad id or limit', async () => {
    const missing = await recommend('/api/v2/users/999999/recommendations');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    for (const path of [
      '/api/v2/users/abc/recommendations',
      '/api/v2/users/0/recommendations',
      '/api/v2/users/1/recommendations?limit=0',
      '/api/v2/users/1/recommendations?limit=21',
      '/api/v2/users/1/recommendations?limit=x',
      '/api/v2/users/1/recommendations?colour=red',
    ]) {
      const response = await recommend(path);
      expect(response.status, path).toBe(400);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
    }
  });

  it('serves classic when the new algorithm fails, and counts the fallback', async () => {
    const id = await createUser(200);
    const flagsOn = await startTestApp(database.url, { FLAG_OVERRIDES: `${FLAG}=on` });
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      // Only the new algorithm reads released_on: take it away, as a bad migration would.
      await sql`alter table products rename column released_on to released_on_gone`;
      const response = await fetch(`${flagsOn.url}/api/v2/users/${id}/recommendations`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ algorithm: 'classic', fallback: true });
      expect((await flagsOn.deps.telemetry.expose(undefined)).body).toMatch(
        /recommendation_fallbacks_total\{recommendation_algorithm="new",error_type="\w+"\} 1/,
      );
    } finally {
      await sql`alter table products rename column released_on_gone to released_on`;
      await sql.end();
      await flagsOn.close();
    }
  });
});
