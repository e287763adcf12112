// The request's part of the Unleash context: the session (for stickiness when there is no
// user) and the client's address (for IP-based strategies). The flag client adds appName and
// environment; routes add the userId they know.
import type { Context } from 'hono';
import type { FlagContext } from '../flags/flags.ts';
import type { AppEnv } from './env.ts';
import { clientAddress } from './rate-limit/client-key.ts';

const SESSION_HEADER = 'X-Session-ID';

/** As request ids: anything else is ignored rather than fed to targeting. */
const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function flagContext(c: Context<AppEnv>, trustedProxyHops: number): FlagContext {
  const session = c.req.header(SESSION_HEADER);
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return {
    ...(session && SESSION_ID.test(session) ? { sessionId: session } : {}),
    remoteAddress: clientAddress({
      forwardedFor: c.req.header('x-forwarded-for'),
      socketAddress: env?.incoming?.socket?.remoteAddress,
      trustedProxyHops,
    }),
  };
}
