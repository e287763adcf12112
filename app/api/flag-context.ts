// The request's part of the Unleash context: the session (for stickiness when there is no
// user) and the client's address (for IP-based strategies). The flag client adds appName and
// environment; routes add the userId they know.
import type { Context } from 'hono';
import type { FlagContext } from '../flags/flags.ts';
import { clientAddress } from '../http/rate-limit/client-key.ts';

const SESSION_HEADER = 'X-Session-ID';

/** As request ids: anything else is ignored rather than fed to targeting. */
const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface FlagContextOptions {
  /** Proxies whose X-Forwarded-For entries are trusted for the client address (TRUST_PROXY_HOPS). */
  trustedProxyHops: number;
  /** The TCP peer's address where the runtime exposes it (HttpDeps.peerAddress). */
  peerAddress: (c: Context) => string | undefined;
}

export function flagContext(c: Context, options: FlagContextOptions): FlagContext {
  const session = c.req.header(SESSION_HEADER);
  return {
    ...(session && SESSION_ID.test(session) ? { sessionId: session } : {}),
    remoteAddress: clientAddress({
      forwardedFor: c.req.header('x-forwarded-for'),
      socketAddress: options.peerAddress(c),
      trustedProxyHops: options.trustedProxyHops,
    }),
  };
}
