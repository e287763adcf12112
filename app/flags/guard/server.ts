// The guard's HTTP side: `POST /alerts` takes Alertmanager webhooks (bearer token required),
// `GET /health` for probes. Bad input gets a 4xx problem; a failed Admin API or helm call a 502,
// so Alertmanager retries the notification later. The token is checked before a byte of the body
// is read (an unauthenticated client must not make the guard buffer up to 1 MiB), and the Node
// server has header and request timeouts of its own, so a slow upload cannot hold a socket.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { canaryAlarms, flagAlarms, webhookPayload } from './alertmanager.ts';
import type { CanaryRollback } from './canary-rollback.ts';
import type { RolloutGuard } from './guard.ts';

export interface GuardServerOptions {
  guard: RolloutGuard;
  webhookToken: string;
  alertNames: readonly string[];
  dryRun: boolean;
  /** The canary action and the alerts it acts on; absent, canary alerts are ignored. */
  canary?: { rollback: CanaryRollback; alertNames: readonly string[] };
}

function problem(
  c: Context,
  status: 400 | 401 | 413,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
) {
  return c.body(JSON.stringify({ type: 'about:blank', title, status, detail }), status, {
    'Content-Type': 'application/problem+json',
    ...headers,
  });
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Compares digests, which always have the same length: comparing the tokens themselves would
 * return early on a length mismatch and tell a prober the token's length.
 */
function sameToken(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected);
}

/** Timeouts of the guard's Node server: Alertmanager sends small webhooks at once. */
export interface GuardServerTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

const GUARD_TIMEOUTS: GuardServerTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
};

/** The guard's app on a Node server with its own header and request timeouts. */
export function guardNodeServer(app: Hono, timeouts: GuardServerTimeouts = GUARD_TIMEOUTS): Server {
  return createAdaptorServer({
    fetch: app.fetch,
    serverOptions: {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default): a tenth of the tighter.
      connectionsCheckingInterval: Math.max(
        100,
        Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs) / 10,
      ),
    },
  }) as Server;
}

export function guardServer(options: GuardServerOptions): Hono {
  const app = new Hono();
  const expected = digest(`Bearer ${options.webhookToken}`);
  app.get('/health', (c) => c.json({ status: 'ok', dryRun: options.dryRun }));
  app.post(
    '/alerts',
    async (c, next) => {
      if (!sameToken(c.req.header('authorization') ?? '', expected))
        // The body is left unread: close the connection rather than drain it.
        return problem(
          c,
          401,
          'Unauthorized',
          'Send the guard’s webhook token as a bearer token.',
          { Connection: 'close' },
        );
      return next();
    },
    bodyLimit({
      maxSize: 1024 * 1024,
      onError: (c) => problem(c, 413, 'Payload too large', 'Webhooks over 1 MiB are refused.'),
    }),
    async (c) => {
      let json: unknown;
      try {
        json = await c.req.json();
      } catch {
        return problem(c, 400, 'Malformed JSON', 'The body is not JSON.');
      }
      const payload = webhookPayload.safeParse(json);
      if (!payload.success)
        return problem(
          c,
          400,
          'Not an Alertmanager webhook',
          `${payload.error.issues[0]?.path.join('.') || '(root)'}: ${payload.error.issues[0]?.message}`,
        );
      const { canary } = options;
      const actions = [
        ...(await options.guard.handle(flagAlarms(payload.data, options.alertNames))),
        ...(canary
          ? await canary.rollback.handle(canaryAlarms(payload.data, canary.alertNames))
          : []),
      ];
      const failed = actions.some((action) => action.action === 'failed');
      return c.json({ dryRun: options.dryRun, actions }, failed ? 502 : 200);
    },
  );
  return app;
}
