// Bare Hono on @hono/node-server with the same queries and bytes as the floor: what the framework
// alone costs, before any middleware of myapp's.
//   DATABASE_URL=… PORT=… node bench/servers/hono-bare.ts
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { HEALTH } from './route.ts';
import { openUsersSql, type Version } from './users-sql.ts';

const users = openUsersSql(process.env.DATABASE_URL ?? '');
const app = new Hono();
const json = { 'content-type': 'application/json' };

app.get('/health', (c) => c.body(HEALTH, 200, json));
app.get('/api/:version{v1|v2}/users/:id{[0-9]+}', async (c) => {
  const body = await users.get(c.req.param('version') as Version, Number(c.req.param('id')));
  return body ? c.body(body, 200, json) : c.body('{"status":404}', 404, json);
});
app.get('/api/:version{v1|v2}/users', async (c) =>
  c.body(
    await users.list(c.req.param('version') as Version, Number(c.req.query('limit') ?? 20)),
    200,
    json,
  ),
);
app.post('/api/v1/users', async (c) => {
  const { name, email } = await c.req.json<{ name: string; email: string }>();
  return c.body(await users.create(name, email), 201, json);
});

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
process.on('SIGTERM', () => server.close(() => void users.close()));
