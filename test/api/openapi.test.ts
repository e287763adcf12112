// The per-version OpenAPI documents and documentation pages, as the app serves them: valid for
// a real OpenAPI validator in both renditions, lifecycle from the registry, every operation with
// its problem+json errors, the documents and the routers describing the same operations, docs
// pages that need nothing from outside the app, and a response checker that has teeth.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiDocuments } from '../../app/api/openapi/documents.ts';
import { acceptsGzip } from '../../app/api/openapi/routes.ts';
import { apiVersions } from '../../app/api/versions.ts';
import { createApp } from '../../app/app.ts';
import { startTestApp, type TestApp } from '../support/app-server.ts';
import { loadConformance } from '../support/openapi-conformance.ts';

type Json = Record<string, unknown>;
type Operations = Record<string, Record<string, Json>>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const documents = buildApiDocuments();

function operations(document: Json): [string, string, Json][] {
  return Object.entries(document.paths as Operations).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => [path, method, operation] as [string, string, Json]),
  );
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(undefined);
});
afterAll(() => app?.close());
const get = (path: string, init?: RequestInit) => fetch(`${app.url}${path}`, init);

describe.each(apiVersions.map((version) => [version.id, version] as const))('%s', (id, version) => {
  it('serves its OpenAPI 3.1 document, the one built from the schemas', async () => {
    const response = await get(`/api/${id}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const served = await response.json();
    expect(served.openapi).toMatch(/^3\.1\./);
    expect(served).toEqual(JSON.parse(JSON.stringify(documents[id].openapi31)));
  });

  it.each([
    ['3.1', () => documents[id].openapi31],
    ['3.0', () => documents[id].openapi30],
  ])('its %s rendition is valid for a real OpenAPI validator', async (_rendition, document) => {
    const result = await new Validator().validate(JSON.parse(JSON.stringify(document())));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('says what the registry says about its lifecycle, on every operation', () => {
    const document = documents[id].openapi31 as unknown as Json;
    const info = document.info as Json;
    const deprecated = version.deprecatedAt !== undefined;
    for (const [path, method, operation] of operations(document)) {
      expect(operation.deprecated ?? false, `${method} ${path}`).toBe(deprecated);
      expect(operation['x-sunset'], `${method} ${path}`).toBe(version.sunsetAt?.toISOString());
    }
    expect(info['x-sunset']).toBe(version.sunsetAt?.toISOString());
    expect(info['x-deprecated-at']).toBe(version.deprecatedAt?.toISOString());
    expect(info['x-successor-version']).toBe(version.successor);
    if (version.sunsetAt) {
      expect(info.description).toContain(version.sunsetAt.toISOString().slice(0, 10));
      expect(info.description).toContain('410');
    }
  });

  it('documents problem+json errors on every operation, 410 only for a version with a sunset', () => {
    for (const [path, method, operation] of operations(
      documents[id].openapi31 as unknown as Json,
    )) {
      const responses = operation.responses as Record<string, Json>;
      const errors = Object.keys(responses).filter((status) => Number(status) >= 400);
      expect(errors, `${method} ${path}`).toEqual(
        expect.arrayContaining(['400', '429', '500', '503', '504']),
      );
      expect('410' in responses, `${method} ${path}`).toBe(version.sunsetAt !== undefined);
      for (const status of errors) {
        const content = responses[status]?.content as Json;
        expect(Object.keys(content), `${method} ${path} ${status}`).toEqual([
          'application/problem+json',
        ]);
      }
    }
  });

  it('describes exactly the operations its routers serve', () => {
    const routes = createApp(app.deps)
      .routes.filter((route) => route.method !== 'ALL' && route.path.startsWith(`/api/${id}/`))
      .filter((route) => !/\/(openapi\.json|docs)(\/|$)/.test(route.path))
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    const all = operations(documents[id].openapi31 as unknown as Json);
    const documented = all
      .filter(([path]) => path.startsWith(`/api/${id}/`))
      .map(([path, method]) => `${method.toUpperCase()} ${path}`);
    expect([...new Set(routes)].sort()).toEqual(documented.sort());
    // …and each once more on its unversioned path, reached by negotiation.
    const negotiated = all
      .filter(([path]) => !path.startsWith(`/api/${id}/`))
      .map(([path, method]) => `${method.toUpperCase()} ${path.replace(/^\/api/, `/api/${id}`)}`);
    expect(negotiated.sort()).toEqual(documented.sort());
  });

  it('serves a documentation page that loads nothing from outside the app', async () => {
    const response = await get(`/api/${id}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('content-security-policy')).not.toMatch(/https?:/);
    const page = await response.text();
    expect(page).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(page).toContain(`data-document="/api/${id}/openapi.json"`);
    for (const [, asset] of page.matchAll(/(?:src|href)="(\/api\/[^"]+)"/g)) {
      expect((await get(asset ?? '')).status, asset).toBe(200);
    }
    if (version.sunsetAt) {
      expect(page).toContain('id="sunset"');
      expect(page).toContain(version.sunsetAt.toISOString().slice(0, 10));
      expect(page).toContain(`href="/api/${version.successor}/docs"`);
    } else {
      expect(page).not.toContain('id="sunset"');
    }
  });
});

describe('documentation assets', () => {
  it('serves Swagger UI from the installed package, byte for byte', async () => {
    const require = createRequire(import.meta.url);
    const bundle = readFileSync(require.resolve('swagger-ui-dist/swagger-ui-bundle.js'));
    const response = await get('/api/v2/docs/swagger-ui-bundle.js');
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(Buffer.from(await response.arrayBuffer()).equals(bundle)).toBe(true);
    const css = await get('/api/v1/docs/swagger-ui.css');
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  /** The response as sent, undecoded (fetch would decode gzip on its own). */
  function raw(path: string, acceptEncoding?: string) {
    return new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
      request(`${app.url}${path}`, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ headers: response.headers, body: Buffer.concat(chunks) }),
        );
      })
        .on('error', reject)
        .end();
    });
  }

  it('sends the bundle gzipped to clients that take gzip, as is to the others', async () => {
    const require = createRequire(import.meta.url);
    const bundle = readFileSync(require.resolve('swagger-ui-dist/swagger-ui-bundle.js'));
    const path = '/api/v2/docs/swagger-ui-bundle.js';

    const gzipped = await raw(path, 'gzip, deflate, br');
    expect(gzipped.headers).toMatchObject({ 'content-encoding': 'gzip', vary: 'Accept-Encoding' });
    expect(gunzipSync(gzipped.body).equals(bundle)).toBe(true);
    expect(gzipped.body.length).toBeLessThan(bundle.length * 0.4);

    for (const declined of [undefined, 'gzip;q=0, identity', 'br']) {
      const plain = await raw(path, declined);
      expect(plain.headers['content-encoding'], String(declined)).toBeUndefined();
      expect(plain.headers.vary).toBe('Accept-Encoding');
      expect(plain.body.equals(bundle), String(declined)).toBe(true);
    }
  });

  it('reads Accept-Encoding as HTTP defines it (q=0 refuses, * stands for the rest)', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('GZIP;Q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('br, *;q=0.1')).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip('br')).toBe(false);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('gzip;q=0.000, *')).toBe(false);
    expect(acceptsGzip('*;q=0')).toBe(false);
  });

  it('turns off the public validator Swagger UI would otherwise call', async () => {
    expect(await (await get('/api/v2/docs/start.js')).text()).toContain('validatorUrl: null');
  });

  it('answers an unknown asset with a 404 problem', async () => {
    const response = await get('/api/v2/docs/../../../etc/passwd');
    expect(response.status).toBe(404);
    const unknown = await get('/api/v2/docs/index.html');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
  });

  it('negotiates the unversioned /api/openapi.json like any API path', async () => {
    const response = await get('/api/openapi.json', { headers: { 'API-Version': 'v1' } });
    expect(response.headers.get('api-version')).toBe('v1');
    expect(response.headers.get('vary')).toContain('API-Version');
    expect((await response.json()).info.version).toBe('v1');
  });
});

describe('routing', () => {
  it("fits Hono's RegExpRouter, which the app then routes with instead of the slower TrieRouter", async () => {
    const built = createApp(app.deps);
    // The smart router picks its router at the first request: the first that takes every route.
    await built.request('/health');
    const router = built.router as unknown as { activeRouter?: { name: string } };
    expect(router.activeRouter?.name).toBe('RegExpRouter');
  });
});

describe('answers other suites provoke, checked against the documents', () => {
  it('429 past a rate limit, 410 after the sunset', async () => {
    const conformance = await loadConformance(app.url, ['v1', 'v2']);
    const limited = await startTestApp(undefined, { RATE_LIMITS: 'v1=1,v2=1' });
    const sunsetAt = apiVersions.find((version) => version.id === 'v1')?.sunsetAt ?? new Date();
    const retired = await startTestApp(
      undefined,
      {},
      {
        clock: () => new Date(sunsetAt.getTime() + 1_000),
      },
    );
    try {
      for (const path of ['/api/v1/users', '/api/v2/users', '/api/v2/users', '/api/v1/users']) {
        await conformance.check('GET', path, await fetch(`${limited.url}${path}`));
      }
      for (const [method, path] of [
        ['GET', '/api/v1/users'],
        ['POST', '/api/v1/users'],
        ['GET', '/api/v1/users/1'],
        ['PATCH', '/api/v1/users/1'],
        ['DELETE', '/api/v1/users/1'],
      ] as const) {
        const response = await fetch(`${retired.url}${path}`, { method });
        expect(response.status).toBe(410);
        await conformance.check(method, path, response);
      }
      expect([...conformance.seen].sort()).toEqual(
        expect.arrayContaining([
          'v1 GET /api/v1/users 429',
          'v2 GET /api/v2/users 429',
          'v1 DELETE /api/v1/users/{id} 410',
        ]),
      );
    } finally {
      await limited.close();
      await retired.close();
    }
  });
});

describe('the response checker', () => {
  const respond = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'r',
        'api-version': 'v2',
        ...headers,
      },
    });
  const user = {
    id: 1,
    fullName: 'A B',
    email: 'a@example.com',
    profile: { createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' },
  };

  it('accepts what the document says and rejects what it does not', async () => {
    const conformance = await loadConformance(app.url, ['v2']);
    await conformance.check('GET', '/api/v2/users/1', respond(200, user));
    const rejected = [
      respond(200, { ...user, password: 'x' }), // a field the document does not mention
      respond(200, { ...user, fullName: undefined }), // a required field missing
      respond(200, { ...user, id: '1' }), // a wrong type
      respond(200, { ...user, profile: { ...user.profile, createdAt: 'yesterday' } }), // a format
      respond(418, user), // an undocumented status
      respond(200, user, { 'content-type': 'text/plain' }), // an undocumented media type
    ];
    for (const response of rejected) {
      await expect(conformance.check('GET', '/api/v2/users/1', response)).rejects.toThrow();
    }
    const noRequestId = new Response(JSON.stringify(user), {
      headers: { 'content-type': 'application/json', 'api-version': 'v2' },
    });
    await expect(conformance.check('GET', '/api/v2/users/1', noRequestId)).rejects.toThrow(
      /X-Request-ID/,
    );
  });
});
