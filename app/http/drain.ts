// Once draining starts, every response asks the client to close its connection, so keep-alive
// clients reconnect (through the load balancer, to a pod that is staying) instead of reusing a
// socket that is about to go away.
import type { MiddlewareHandler } from 'hono';
import type { Lifecycle } from '../lifecycle/state.ts';

export function closeConnectionsWhenDraining(lifecycle: Lifecycle): MiddlewareHandler {
  return async function closeConnectionsWhenDraining(c, next) {
    await next();
    if (lifecycle.state !== 'ready' && lifecycle.state !== 'starting')
      c.res.headers.set('Connection', 'close');
  };
}
