// The conventional peer: an Express users service written the way the common write-ups write
// one — Express, pg, winston JSON logs, prom-client RED metrics and a request-id middleware —
// answering the bench's requests with myapp's bytes. Plain JavaScript, run from the tool cache.
//   DATABASE_URL=… PORT=… node server.mjs
import { randomUUID } from 'node:crypto';
import express from 'express';
import pg from 'pg';
import client from 'prom-client';
import winston from 'winston';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const logger = winston.createLogger({
  level: 'info',
  format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
  transports: [new winston.transports.Console()],
});

client.collectDefaultMetrics();
const duration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'Duration of HTTP requests in seconds',
  labelNames: ['method', 'route', 'status_code'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});
const total = new client.Counter({
  name: 'http_requests_total',
  help: 'Total HTTP requests',
  labelNames: ['method', 'route', 'status_code'],
});

const app = express();
app.use((req, res, next) => {
  req.id = req.get('X-Request-ID') || randomUUID();
  res.set('X-Request-ID', req.id);
  next();
});
app.use((req, res, next) => {
  const end = duration.startTimer();
  res.on('finish', () => {
    const labels = {
      method: req.method,
      route: req.route?.path ?? 'unknown',
      status_code: res.statusCode,
    };
    end(labels);
    total.inc(labels);
    logger.info('request', {
      requestId: req.id,
      method: req.method,
      url: req.originalUrl,
      status: res.statusCode,
    });
  });
  next();
});
app.use(express.json());

const columns = 'id::float8 as id, first_name, last_name, email, created_at, updated_at';
const fullName = (row) => (row.last_name ? `${row.first_name} ${row.last_name}` : row.first_name);
const wire = {
  v1: (row) => ({ id: row.id, name: fullName(row), email: row.email }),
  v2: (row) => ({
    id: row.id,
    fullName: fullName(row),
    email: row.email,
    profile: { createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() },
  }),
};
const cursor = (id) => Buffer.from(`u:${id}`).toString('base64url');

app.get('/health', (_req, res) => res.json({ status: 'ok', lifecycle: 'ready' }));
app.get('/api/:version/users/:id', async (req, res, next) => {
  if (!Object.hasOwn(wire, req.params.version)) return next();
  try {
    const { rows } = await pool.query(`select ${columns} from users where id = $1`, [
      req.params.id,
    ]);
    if (rows.length === 0) return res.status(404).json({ status: 404 });
    res.json(wire[req.params.version](rows[0]));
  } catch (error) {
    next(error);
  }
});
app.get('/api/:version/users', async (req, res, next) => {
  if (!Object.hasOwn(wire, req.params.version)) return next();
  try {
    const limit = Number(req.query.limit ?? 20);
    const { rows } = await pool.query(`select ${columns} from users order by id limit $1`, [
      limit + 1,
    ]);
    const items = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? cursor(items.at(-1).id) : null;
    res.json({ data: items.map(wire[req.params.version]), nextCursor });
  } catch (error) {
    next(error);
  }
});
app.post('/api/v1/users', async (req, res, next) => {
  try {
    const { name, email } = req.body;
    const space = name.indexOf(' ');
    const first = space < 0 ? name : name.slice(0, space);
    const last = space < 0 ? '' : name.slice(space + 1);
    const { rows } = await pool.query(
      `insert into users (first_name, last_name, email) values ($1, $2, $3) returning ${columns}`,
      [first, last, email],
    );
    res.status(201).json(wire.v1(rows[0]));
  } catch (error) {
    next(error);
  }
});
app.get('/metrics', async (_req, res) => {
  res.set('Content-Type', client.register.contentType);
  res.end(await client.register.metrics());
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => server.close(() => pool.end()));
