// What differs between the edge runtimes, read from the arguments their servers pass to
// `fetch` and from their globals — no runtime's own types or modules, so one bundle runs on
// all three:
//   workerd  fetch(request, env, ctx)   env: the bindings of config.capnp (strings)
//   Deno     fetch(request, info)       `deno serve`: info.remoteAddr; settings in Deno.env
//   Bun      fetch(request, server)     server.requestIP(request); settings in process.env
type Settings = Readonly<Record<string, string | undefined>>;

interface DenoServeInfo {
  remoteAddr?: { hostname?: string };
}
interface BunServer {
  requestIP(request: Request): { address: string } | null;
}
interface RuntimeGlobals {
  Deno?: { env: { toObject(): Record<string, string> } };
  Bun?: unknown;
  process?: { env: Settings };
}

function isBunServer(value: unknown): value is BunServer {
  return typeof (value as BunServer | undefined)?.requestIP === 'function';
}

/** `::ffff:192.0.2.1` (an IPv4 peer on a dual-stack socket, as Bun says it) → `192.0.2.1`. */
function plainAddress(address: string | undefined): string | undefined {
  return address?.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** The TCP peer of this request, where the runtime says (workerd does not). */
export function remoteAddress(request: Request, second: unknown): string | undefined {
  if (isBunServer(second)) return plainAddress(second.requestIP(request)?.address);
  return plainAddress((second as DenoServeInfo | undefined)?.remoteAddr?.hostname);
}

/** The settings: Deno's or Bun's environment, else workerd's bindings. */
export function settings(second: unknown): Settings {
  const globals = globalThis as RuntimeGlobals;
  if (globals.Deno) return globals.Deno.env.toObject();
  if (globals.Bun && globals.process) return globals.process.env;
  const bindings = (second ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(bindings).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** Which runtime this is, for the log lines. */
export function runtimeName(): string {
  const globals = globalThis as RuntimeGlobals;
  if (globals.Deno) return 'deno';
  if (globals.Bun) return 'bun';
  // workerd names itself as the Workers platform does.
  const agent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent;
  return agent === 'Cloudflare-Workers' ? 'workerd' : (agent ?? 'unknown');
}
