// Property-based tests (fast-check) against both versions over real HTTP and real PostgreSQL:
// random and malformed bodies, headers, ids, paths and query strings. Whatever is sent, the
// answer is never a 5xx, a 4xx is always a problem+json document, and a rejected request never
// changes a row. Run counts are modest (seconds, not minutes); a failure prints its seed and the
// shrunk request, which replays with `fc.assert(…, { seed, path })`.
// Hostile families beside them: bytes that are not UTF-8, bodies of many unknown keys, made-up
// API keys against the rate limit, concurrent writes racing for the same emails, and a database
// that is gone (its answers, and log lines free of what the requests sent).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient } from '../support/api-client.ts';
import { startTestApp, type TestApp } from '../support/app-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startObservedApp } from '../support/observed-app.ts';

const RUNS = 120;
const version = fc.constantFrom('v1', 'v2');

/** Any text a JSON string can carry: control characters, lone surrogates, astral planes. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', '\t\n', 'x'.repeat(300), '@', 'a@b.co'),
);

/** Printable ASCII: what fetch lets through as a header value. */
const headerText = fc.string({
  unit: fc.mapToConstant({ num: 95, build: (code) => String.fromCharCode(code + 0x20) }),
  maxLength: 60,
});

/** Values of the right names and the wrong everything else, and the odd valid one. */
const userFields = fc.record(
  {
    name: fc.oneof(anyText, fc.jsonValue()),
    firstName: fc.oneof(anyText, fc.jsonValue()),
    lastName: fc.oneof(anyText, fc.jsonValue()),
    email: fc.oneof(
      anyText,
      fc.emailAddress(),
      fc.jsonValue(),
      fc.emailAddress().map((email) => ` ${email.toUpperCase()} `),
    ),
    id: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

/** A body valid but for its names: the fields that reach the database, holding anything. */
const unique = fc.uuid().map((uuid) => `${uuid}@example.com`);
const nearlyValid = (v: string) =>
  v === 'v1'
    ? fc.record({ name: anyText, email: unique })
    : fc.record({ firstName: anyText, lastName: anyText, email: unique });

const body = (v: string) =>
  fc.oneof(
    nearlyValid(v).map((fields) => JSON.stringify(fields)),
    userFields.map((fields) => JSON.stringify(fields)),
    fc.json({ maxDepth: 3 }),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.constantFrom('', '{', '[]', 'null', '"x"', '{"name":', '\u0000', '{"email":"a@b.co"}'),
  );

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/merge-patch+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/',
    ';',
  ),
  headerText,
);

/** Ids as a client might mangle them: numbers of every size, text, encodings, traversal. */
const id = fc.oneof(
  fc.nat({ max: 50 }).map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.double().map(String),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom('%00', '%ZZ', '%', '..%2F..', '1%2F2', '0x10', '1e3', '01', ' 1', '١٢٣'),
);

const queryString = fc.oneof(
  fc
    .array(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 })), { maxLength: 4 })
    .map((pairs) => new URLSearchParams(pairs).toString()),
  fc
    .record(
      {
        limit: fc.oneof(fc.integer().map(String), headerText),
        cursor: fc.oneof(headerText, anyText),
      },
      { requiredKeys: [] },
    )
    .map((query) => new URLSearchParams(query).toString()),
  fc.constantFrom('limit=%ZZ', 'limit', '=&=', 'limit=1&limit=2', 'cursor=%00', '%', 'a=%E0%A4%A'),
);

const headers = fc.record(
  {
    'API-Version': fc.oneof(headerText, fc.constantFrom('v1', 'V2', 'v3', ' v1 ', 'latest')),
    'X-Request-ID': headerText,
    'X-Client-Name': headerText,
    'User-Agent': headerText,
    'X-API-Key': headerText,
    'X-Forwarded-For': fc.oneof(headerText, fc.ipV4(), fc.ipV6()),
    Accept: fc.oneof(headerText, fc.constantFrom('application/json', '*/*', 'text/html')),
  },
  { requiredKeys: [] },
);

let database: TestDatabase;
let app: TestApp;
let api: ApiClient;
const seeded: number[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database.url, { BODY_LIMIT_BYTES: '2048' });
  api = apiClient(app);
  for (let index = 0; index < 5; index++) {
    const response = await api.send('POST', '/api/v1/users', {
      name: `Seed Person${index}`,
      email: `seed${index}@example.com`,
    });
    seeded.push(((await response.json()) as { id: number }).id);
  }
});
/** Answers the app gave so far, by status, from its own request-duration histogram. */
async function statusCounts(target: TestApp): Promise<Record<string, number>> {
  const { body: exposition } = await target.deps.telemetry.expose(undefined);
  const counts: Record<string, number> = {};
  for (const match of exposition.matchAll(
    /^http_server_request_duration_seconds_count\{[^}]*http_response_status_code="(\d+)"[^}]*\} (\d+)$/gm,
  )) {
    const [, status = '', count = '0'] = match;
    counts[status] = (counts[status] ?? 0) + Number(count);
  }
  return counts;
}

afterAll(async () => {
  if (app) {
    // Every family against the real database, seen from the server's side: not one 5xx.
    const counts = await statusCounts(app);
    expect(
      Object.keys(counts).filter((status) => Number(status) >= 500),
      `answers by status: ${JSON.stringify(counts)}`,
    ).toEqual([]);
  }
  await app?.close();
  await database?.drop();
});

/** Sends the request and checks the invariants of its answer. */
async function sendAndCheck(method: string, path: string, init: RequestInit): Promise<void> {
  const before = await api.snapshot();
  const response = await api.call(path, { ...init, method });
  const text = await response.text();
  expect(response.status, `${method} ${path} → ${response.status} ${text}`).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.headers.get('content-type'), `${method} ${path}`).toBe(
      'application/problem+json',
    );
    if (method !== 'HEAD') {
      const problem = JSON.parse(text) as { status: number; type: string };
      expect(problem.status).toBe(response.status);
    }
    expect(await api.snapshot(), `${method} ${path} was rejected but changed data`).toEqual(before);
  }
}

describe('whatever is sent, never a 5xx and never a changed row on a rejection', () => {
  it('random bodies and content types on POST and PATCH', async () => {
    await fc.assert(
      fc.asyncProperty(
        version.chain((v) => fc.tuple(fc.constant(v), body(v))),
        fc.constantFrom('POST', 'PATCH'),
        fc.option(contentType, { nil: undefined, freq: 4 }),
        async ([v, payload], method, type) => {
          const target = method === 'POST' ? '' : `/${seeded[0]}`;
          await sendAndCheck(method, `/api/${v}/users${target}`, {
            body: payload,
            headers: type === undefined ? {} : { 'content-type': type },
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('random ids on GET, PATCH and DELETE', async () => {
    await fc.assert(
      fc.asyncProperty(
        version,
        fc.constantFrom('GET', 'PATCH', 'DELETE', 'HEAD', 'PUT', 'OPTIONS'),
        id,
        async (v, method, userId) => {
          // A valid DELETE of a seeded user is a legitimate change; keep the seeds for later runs.
          if (method === 'DELETE' && seeded.map(String).includes(userId)) return;
          await sendAndCheck(method, `/api/${v}/users/${userId}`, {
            ...(method === 'PATCH'
              ? {
                  body: '{"email":"fuzz@example.com"}',
                  headers: { 'content-type': 'application/json' },
                }
              : {}),
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('random query strings on the list', async () => {
    await fc.assert(
      fc.asyncProperty(version, queryString, async (v, query) => {
        await sendAndCheck('GET', `/api/${v}/users?${query}`, {});
      }),
      { numRuns: RUNS },
    );
  });

  it('random headers on versioned and unversioned paths', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/api/v1/users',
          '/api/v2/users',
          '/api/users',
          `/api/users/1`,
          '/api/v2/docs',
        ),
        fc.constantFrom('GET', 'POST'),
        headers,
        async (path, method, sent) => {
          await sendAndCheck(method, path, {
            headers: { ...sent, 'content-type': 'application/json' },
            ...(method === 'POST'
              ? { body: '{"name":"Header Fuzz","email":"h@example.com"}' }
              : {}),
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('random versions in every slot: API-Version, ?version= and Accept, alone and together', async () => {
    const spelling = fc.constantFrom('1', '2', 'v1', 'V2', ' 2 ', '2.0', 'v3', '0', '-1', '');
    const versionText = fc.oneof(spelling, headerText);
    const mediaRange = fc
      .tuple(
        fc.oneof(
          fc.constantFrom(
            'application/json',
            'application/vnd.api+json',
            'application/vnd.myapp+json',
            '*/*',
            'application/*',
            'text/html',
            'APPLICATION/VND.API+JSON',
          ),
          headerText,
        ),
        fc.option(
          fc.oneof(
            versionText,
            versionText.map((text) => `"${text}"`),
          ),
          { nil: undefined },
        ),
        fc.option(fc.oneof(fc.constantFrom('0', '1', '0.5', 'abc', '2', '-1', ''), headerText), {
          nil: undefined,
        }),
      )
      .map(
        ([type, version, q]) =>
          `${type}${version === undefined ? '' : `; version=${version}`}${q === undefined ? '' : `;q=${q}`}`,
      );
    const accept = fc.oneof(
      fc.array(mediaRange, { minLength: 1, maxLength: 4 }).map((ranges) => ranges.join(', ')),
      headerText,
    );
    const query = fc.oneof(
      versionText.map((text) => `version=${encodeURIComponent(text)}`),
      fc
        .array(versionText, { minLength: 2, maxLength: 3 })
        .map((texts) => texts.map((text) => `version=${encodeURIComponent(text)}`).join('&')),
      fc.constantFrom('version=%ZZ', 'version', 'version=%', 'version=1&limit=2', 'version=+2'),
      fc.string({ unit: 'binary', maxLength: 12 }).map((text) => `version=${text}`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/api/users',
          `/api/users/1`,
          '/api/users/1/recommendations',
          '/api/v1/users',
        ),
        fc.constantFrom('GET', 'POST', 'PATCH'),
        fc.option(versionText, { nil: undefined }),
        fc.option(query, { nil: undefined }),
        fc.option(accept, { nil: undefined }),
        async (path, method, header, search, acceptHeader) => {
          const target = search === undefined ? path : `${path}?${search}`;
          let url: URL;
          try {
            url = new URL(target, app.url);
          } catch {
            return; // not a request a client could send
          }
          await sendAndCheck(method, `${url.pathname}${url.search}`, {
            headers: {
              'content-type': 'application/json',
              ...(header === undefined ? {} : { 'API-Version': header }),
              ...(acceptHeader === undefined ? {} : { Accept: acceptHeader }),
            },
            ...(method === 'GET'
              ? {}
              : { body: '{"name":"Version Fuzz","email":"vf@example.com"}' }),
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('random paths under /api', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
      fc.constantFrom('v1', 'v2', 'v0', 'v99', 'users', 'docs', 'openapi.json', '%ZZ', '..', ''),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), async (segments) => {
        await sendAndCheck('GET', `/api/${segments.join('/')}`, {});
      }),
      { numRuns: RUNS },
    );
  });
});

/** True when `bytes` are well-formed UTF-8: the oracle for what the API must refuse. */
function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('hostile bodies: never stored, never amplified', () => {
  it('bytes that are not UTF-8 inside a valid body are refused with 400, nothing stored', async () => {
    const encoder = new TextEncoder();
    await fc.assert(
      fc.asyncProperty(
        version,
        fc.uint8Array({ minLength: 1, maxLength: 12 }),
        unique,
        async (v, raw, email) => {
          // Bytes below 0x80 only where they cannot end the JSON string early.
          const bytes = raw.map((byte) => (byte < 0x80 ? 0x61 : byte));
          const fields =
            v === 'v1'
              ? `"name":"Ada XX","email":"${email}"`
              : `"firstName":"Ada XX","lastName":"L","email":"${email}"`;
          const [before, after] = fields.split('XX') as [string, string];
          const payload = new Uint8Array([
            ...encoder.encode(`{${before}`),
            ...bytes,
            ...encoder.encode(`${after}}`),
          ]);
          const response = await api.call(`/api/${v}/users`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: payload,
          });
          const text = await response.text();
          if (isUtf8(payload)) {
            expect(response.status, text).toBeLessThan(500);
          } else {
            expect(response.status, text).toBe(400);
            expect(JSON.parse(text)).toMatchObject({ type: '/problems/malformed-json' });
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('the stray 0xFF byte of a name is a 400, not a stored U+FFFD', async () => {
    const body = Buffer.concat([
      Buffer.from('{"firstName":"Ada '),
      Buffer.from([0xff]),
      Buffer.from('","lastName":"L","email":"ff@example.com"}'),
    ]);
    const response = await api.call('/api/v2/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
  });

  it('many unknown keys get a bounded answer: 20 listed, the rest counted', async () => {
    await fc.assert(
      fc.asyncProperty(version, fc.integer({ min: 0, max: 200 }), async (v, count) => {
        const fields: Record<string, unknown> = { email: 'keys@example.com' };
        for (let index = 0; index < count; index++) fields[`k${index}`] = 1;
        const response = await api.send('POST', `/api/${v}/users`, fields);
        const problem = (await response.json()) as { errors: unknown[]; omittedErrors?: number };
        expect(response.status).toBe(400);
        expect(problem.errors.length).toBeLessThanOrEqual(20);
        const total = problem.errors.length + (problem.omittedErrors ?? 0);
        expect(total).toBeGreaterThanOrEqual(count);
        if (total > 20) expect(problem.omittedErrors).toBe(total - 20);
        expect(Number(response.headers.get('content-length') ?? 0)).toBeLessThan(4096);
      }),
      { numRuns: 40 },
    );
  });
});

describe('concurrent writes racing for the same emails', () => {
  it('never a 5xx, and the stored emails stay unique regardless of case', async () => {
    const pool = ['race-a@example.com', 'RACE-B@example.com', 'race-c@example.com'];
    const ids: number[] = [];
    for (const [index, email] of pool.entries()) {
      const response = await api.send('POST', '/api/v2/users', {
        firstName: 'Race',
        lastName: `P${index}`,
        email,
      });
      ids.push(((await response.json()) as { id: number }).id);
    }
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom(...ids),
            fc.constantFrom(...pool, ...pool.map((email) => email.toUpperCase())),
          ),
          { minLength: 2, maxLength: 6 },
        ),
        async (writes) => {
          const responses = await Promise.all(
            writes.map(([id, email]) => api.send('PATCH', `/api/v2/users/${id}`, { email })),
          );
          for (const response of responses) expect(response.status).toBeLessThan(500);
          const rows = (await api.snapshot()) as { email: string }[];
          const emails = rows.map((row) => row.email.toLowerCase());
          expect(new Set(emails).size).toBe(emails.length);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('a database that is gone', () => {
  it('answers 503 with Retry-After to any write, and logs none of what was sent', async () => {
    const gone = await startObservedApp(
      'postgres://postgres@127.0.0.1:1/nowhere',
      { DB_CONNECT_TIMEOUT_MS: '500' },
      { migrate: false },
    );
    const sent: string[] = [];
    try {
      await fc.assert(
        fc.asyncProperty(
          version,
          fc.constantFrom('POST', 'PATCH'),
          fc.stringMatching(/^[A-Z][a-z]{5,12}$/),
          fc.stringMatching(/^[a-z]{6,12}$/),
          async (v, method, name, local) => {
            const email = `${local}@private.example`;
            sent.push(name, email);
            const payload =
              v === 'v1'
                ? { name: `${name} Doe`, email }
                : { firstName: name, lastName: 'Doe', email };
            const response = await fetch(
              `${gone.url}/api/${v}/users${method === 'PATCH' ? '/1' : ''}`,
              {
                method,
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(payload),
              },
            );
            expect(response.status).toBe(503);
            expect(response.headers.get('retry-after')).toBe('1');
          },
        ),
        { numRuns: 25 },
      );
      const logged = JSON.stringify(gone.logs);
      expect(gone.logs.length).toBeGreaterThan(0);
      for (const value of sent) expect(logged).not.toContain(value);
    } finally {
      await gone.close();
    }
  });
});
