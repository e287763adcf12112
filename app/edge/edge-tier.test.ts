// The edge tier in process (app.request), with a forwarder that records what it was handed:
// what the edge answers alone and what it leaves to the origin.
import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { apiVersions } from '../api/versions.ts';
import { createApp, type EdgeTierDeps } from '../app.ts';
import { edgeTierConfig } from '../config/processes.ts';
import { createMemoryStore } from '../http/rate-limit/memory-store.ts';
import { createLifecycle } from '../lifecycle/state.ts';
import { createConsoleLogger } from '../telemetry/console-logger.ts';
import { createRecordingMetrics } from '../telemetry/recording-metrics.ts';
import { responseHeaders } from './origin.ts';
import { traceContext } from './trace-context.ts';

const sunsetAt = apiVersions.find((version) => version.id === 'v1')?.sunsetAt as Date;

function edgeTier(clock: () => Date) {
  const forwarded: string[] = [];
  const lifecycle = createLifecycle();
  lifecycle.advance('ready');
  const deps: EdgeTierDeps = {
    config: edgeTierConfig.load({ EDGE_ORIGIN_URL: 'http://origin.invalid', RATE_LIMITS: 'v1=0' }),
    logger: createConsoleLogger({ level: 'silent' }),
    telemetry: {
      metrics: createRecordingMetrics(),
      tracing: {
        tracer: undefined,
        extract: () => {
          throw new Error('unused');
        },
        inject: () => {},
        shutdown: async () => {},
      },
      runInRequest: (_scope, work) => work(),
    },
    lifecycle,
    clock,
    peerAddress: () => undefined,
    rateLimitStore: createMemoryStore(),
    docsAssets: {},
    migrationGuides: {},
    forward: async (c: Context) => {
      forwarded.push(new URL(c.req.url).pathname);
      return new Response('{}', { headers: { 'content-type': 'application/json' } });
    },
  };
  return { app: createApp(deps), forwarded };
}

describe('the edge tier', () => {
  it('answers 410 for a retired version itself, pointing at the successor', async () => {
    const { app, forwarded } = edgeTier(() => new Date(sunsetAt.getTime() + 1_000));
    const response = await app.request('/api/v1/users/7', { method: 'DELETE' });
    expect(response.status).toBe(410);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('link')).toBe('</api/v2/users/7>; rel="successor-version"');
    expect(await response.json()).toMatchObject({ successor: '/api/v2/users/7' });
    expect(forwarded).toEqual([]);
  });

  it('forwards the API, readiness and unknown paths, as asked (not as routed)', async () => {
    const { app, forwarded } = edgeTier(() => new Date(sunsetAt.getTime() - 86_400_000));
    for (const path of ['/api/users', '/api/v2/users/1', '/ready', '/nowhere'])
      expect((await app.request(path)).status).toBe(200);
    expect(forwarded).toEqual(['/api/users', '/api/v2/users/1', '/ready', '/nowhere']);
  });
});

describe("the origin's answer headers", () => {
  it('lose what the edge sets itself and keep the rest', () => {
    const origin = new Headers([
      ['api-version', 'v1'],
      ['deprecation', '@1'],
      ['ratelimit', '"v1";r=1;t=1'],
      ['x-request-id', 'abc'],
      ['connection', 'keep-alive'],
      ['content-length', '12'],
      [
        'link',
        '</api/v1/docs>; rel="deprecation"; type="text/html", </api/v1/users?cursor=x>; rel="next"',
      ],
      ['vary', 'Accept-Encoding, API-Version'],
      ['etag', '"x"'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
    const kept = responseHeaders(origin);
    expect([...new Set(kept.keys())].sort()).toEqual(['etag', 'link', 'set-cookie', 'vary']);
    expect(kept.get('link')).toBe('</api/v1/users?cursor=x>; rel="next"');
    expect(kept.get('vary')).toBe('Accept-Encoding');
    expect(kept.getSetCookie()).toEqual(['a=1', 'b=2']);
  });
});

describe('trace context', () => {
  it('keeps a valid traceparent and its tracestate', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(traceContext(traceparent, 'k=v')).toEqual({
      traceparent,
      tracestate: 'k=v',
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
  });

  it.each([
    undefined,
    'junk',
    '00-00000000000000000000000000000000-b7ad6b7169203331-01',
    '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
  ])('starts a new trace instead of %s, dropping tracestate', (traceparent) => {
    const context = traceContext(traceparent, 'k=v');
    expect(context.traceparent).toMatch(/^00-([0-9a-f]{32})-[0-9a-f]{16}-01$/);
    expect(context.traceparent.split('-')[1]).toBe(context.traceId);
    expect(context.tracestate).toBeUndefined();
  });
});

describe('the console logger', () => {
  it("writes pino's line shape, with bindings, errors and secrets censored", () => {
    const lines: string[] = [];
    const logger = createConsoleLogger({
      level: 'info',
      redact: ['email'],
      write: (line) => lines.push(line),
    });
    logger.debug({ hidden: true }, 'below the level');
    logger
      .child({ request_id: 'r1' })
      .warn({ err: new TypeError('boom'), email: 'a@b.c', token: 't' }, 'failed');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'warn',
      service: 'myapp',
      request_id: 'r1',
      err: { type: 'TypeError', message: 'boom' },
      email: '[redacted]',
      token: '[redacted]',
      msg: 'failed',
    });
  });
});
