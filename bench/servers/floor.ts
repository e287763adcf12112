// The floor: bare node:http and postgres.js answering the bench's requests with myapp's bytes.
// No framework, no middleware, no telemetry: what the hardware, Node and PostgreSQL cost.
//   DATABASE_URL=… PORT=… node bench/servers/floor.ts
import { createServer, type ServerResponse } from 'node:http';
import { HEALTH, route } from './route.ts';
import { openUsersSql } from './users-sql.ts';

const users = openUsersSql(process.env.DATABASE_URL ?? '');

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

const server = createServer((req, res) => {
  const found = route(req.method ?? 'GET', req.url ?? '/');
  if (!found) return send(res, 404, '{"status":404}');
  if (found.kind === 'health') return send(res, 200, HEALTH);
  if (found.kind === 'get') {
    users.get(found.version, found.id).then(
      (body) => (body ? send(res, 200, body) : send(res, 404, '{"status":404}')),
      () => send(res, 500, '{"status":500}'),
    );
    return;
  }
  if (found.kind === 'list') {
    users.list(found.version, found.limit).then(
      (body) => send(res, 200, body),
      () => send(res, 500, '{"status":500}'),
    );
    return;
  }
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    text += chunk;
  });
  req.on('end', () => {
    const { name, email } = JSON.parse(text) as { name: string; email: string };
    users.create(name, email).then(
      (body) => send(res, 201, body),
      () => send(res, 500, '{"status":500}'),
    );
  });
});

server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => void users.close()));
