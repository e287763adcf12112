// `npm run edge`: the edge tier in front of the app, locally — builds the bundle, starts the
// app as `npm start` does (unless EDGE_ORIGIN_URL names an origin already running) and the
// bundle under an edge runtime in front of it. Ctrl-C stops both.
//
//   EDGE_RUNTIME=workerd|deno|bun (workerd)  EDGE_PORT (8787)  PORT: the app's (3000)
import { type ChildProcess, spawn } from 'node:child_process';
import { EDGE_RUNTIMES, type EdgeRuntime, ensureRuntime } from '../tools/edge-runtimes-install.ts';
import { buildEdge } from './build.ts';
import { edgeCommand } from './command.ts';

const runtime = (process.env.EDGE_RUNTIME ?? 'workerd') as EdgeRuntime;
if (!(runtime in EDGE_RUNTIMES)) {
  process.stderr.write(
    `EDGE_RUNTIME=${runtime}: expected one of ${Object.keys(EDGE_RUNTIMES).join(', ')}\n`,
  );
  process.exit(2);
}
const edgePort = Number(process.env.EDGE_PORT ?? 8787);
const originPort = process.env.PORT ?? '3000';
const log = (line: string) => process.stderr.write(`[edge] ${line}\n`);

await buildEdge();
const binary = await ensureRuntime(runtime, log);
const children: ChildProcess[] = [];

let origin = process.env.EDGE_ORIGIN_URL;
if (!origin) {
  origin = `http://127.0.0.1:${originPort}`;
  children.push(
    spawn(process.execPath, ['app/main.ts'], {
      stdio: 'inherit',
      env: { ...process.env, PORT: originPort },
    }),
  );
}
// The edge must not take the app's PORT (Bun reads it): its own comes from the command.
const { PORT: _appPort, ...environment } = process.env;
const { args, env } = edgeCommand(runtime, binary, edgePort, process.env.EDGE_HOST ?? '127.0.0.1');
const [command, ...rest] = args;
children.push(
  spawn(command, rest, {
    stdio: 'inherit',
    env: { ...environment, ...env, EDGE_ORIGIN_URL: origin },
  }),
);
log(`${runtime} on http://127.0.0.1:${edgePort} → ${origin}`);

let stopping = false;
function stop(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(0));
// Either one ending ends both: an edge without its origin only answers 503s.
for (const child of children) child.on('exit', (code) => stop(code ?? 1));
