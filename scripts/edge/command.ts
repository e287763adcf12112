// How each edge runtime serves the bundle's `export default { fetch }` on an address: shared by
// `npm run edge`, the edge tests and the edge benchmark.

import type { EdgeRuntime } from '../tools/edge-runtimes-install.ts';
import { EDGE_BUNDLE, WORKERD_CONFIG } from './build.ts';

export interface EdgeCommand {
  /** The program and its arguments. */
  args: [string, ...string[]];
  /** Environment the runtime needs on top of the app's settings. */
  env: Record<string, string>;
}

/** `port` may be a shell word such as `$PORT`, for a caller that runs the command through sh. */
export function edgeCommand(
  runtime: EdgeRuntime,
  binary: string,
  port: number | string,
  host = '127.0.0.1',
): EdgeCommand {
  switch (runtime) {
    case 'workerd':
      // --verbose: console.log reaches stdout.
      return {
        args: [
          binary,
          'serve',
          WORKERD_CONFIG,
          '--socket-addr',
          `http=${host}:${port}`,
          '--verbose',
        ],
        env: {},
      };
    case 'deno':
      return {
        args: [
          binary,
          'serve',
          '--allow-net',
          '--allow-env',
          '--host',
          host,
          '--port',
          String(port),
          EDGE_BUNDLE,
        ],
        env: { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      };
    case 'bun':
      // Bun serves a default export on PORT, on every interface (it has no setting for the host).
      return { args: [binary, 'run', EDGE_BUNDLE], env: { PORT: String(port) } };
  }
}
