// The guard's HTTP side: `POST /alerts` takes Alertmanager webhooks (bearer token required),
// `GET /health` for probes. Bad input gets a 4xx problem; a failed Admin API call a 502, so
// Alertmanager retries the notification later.
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { flagAlarms, webhookPayload } from './alertmanager.ts';
import type { RolloutGuard } from './guard.ts';

export interface GuardServerOptions {
  guard: RolloutGuard;
  webhookToken: string;
  alertNames: readonly string[];
  dryRun: boolean;
}

function problem(c: Context, status: 400 | 401 | 413, title: string, detail: string) {
  return c.body(JSON.stringify({ type: 'about:blank', title, status, detail }), status, {
    'Content-Type': 'application/problem+json',
  });
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function guardServer(options: GuardServerOptions): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok', dryRun: options.dryRun }));
  app.post(
    '/alerts',
    bodyLimit({
      maxSize: 1024 * 1024,
      onError: (c) => problem(c, 413, 'Payload too large', 'Webhooks over 1 MiB are refused.'),
    }),
    async (c) => {
      const authorization = c.req.header('authorization') ?? '';
      if (!sameToken(authorization, `Bearer ${options.webhookToken}`))
        return problem(c, 401, 'Unauthorized', 'Send the guard’s webhook token as a bearer token.');
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
      const actions = await options.guard.handle(flagAlarms(payload.data, options.alertNames));
      const failed = actions.some((action) => action.action === 'failed');
      return c.json({ dryRun: options.dryRun, actions }, failed ? 502 : 200);
    },
  );
  return app;
}
