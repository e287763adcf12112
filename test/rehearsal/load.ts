// Steady load through the Services and the ingress: many distinct clients (each its own API key,
// so each has its own rate-limit bucket, and its own keep-alive connections), a mix of v1 and v2
// reads and writes, list pages and recommendations, at a fixed rate for the whole scenario. Every
// response, status and socket error is recorded with its time, and every acknowledged write is
// remembered so it can be checked in PostgreSQL afterwards.
import { Agent, type ClientRequest, request } from 'node:http';
import postgres from 'postgres';

export interface Sample {
  at: number;
  ms: number;
  op: string;
  client: number;
  via: string;
  status: number;
  /** Socket error code or timeout, when there was no response. */
  error?: string;
}

export interface Target {
  /** Label in the report: `service` (in-cluster callers through kube-proxy) or `ingress`. */
  via: string;
  /** host:port */
  address: string;
  /** Share of the clients that use this target. */
  share: number;
}

interface Ack {
  id: number;
  email: string;
}

/** The part of a created or updated user the load reads back. */
interface Created {
  id: number;
}

interface LoadRequest {
  method: string;
  path: string;
  body?: unknown;
  onOk?: (json: Created) => void;
}

interface Op {
  name: string;
  weight: number;
  run(client: Client): LoadRequest;
}

interface Client {
  index: number;
  agent: Agent;
  target: Target;
  apiKey: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Load {
  readonly samples: Sample[] = [];
  readonly created: Ack[] = [];
  /** id → the email values of acknowledged updates, in order, and of unacknowledged ones. */
  readonly updates = new Map<number, { acked: string[]; attempted: string[] }>();
  private readonly clients: Client[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private inFlight = new Set<Promise<void>>();
  private readonly requests = new Set<ClientRequest>();
  private counter = 0;
  private readonly runId = Math.random().toString(36).slice(2, 8);
  private readonly ops: Op[];
  readonly ratePerSecond: number;

  constructor(targets: Target[], options: { clients: number; ratePerSecond: number }) {
    this.ratePerSecond = options.ratePerSecond;
    for (let index = 0; index < options.clients; index++) {
      let share = (index + 0.5) / options.clients;
      const target =
        targets.find((t) => {
          share -= t.share;
          return share <= 0;
        }) ?? (targets[targets.length - 1] as Target);
      this.clients.push({
        index,
        target,
        apiKey: `rehearsal-${this.runId}-client-${index}`,
        // Idle connections are dropped after 30 s, below the app's 65 s keep-alive timeout, as
        // clients that honour the Keep-Alive header do: otherwise the server's idle close races a
        // new request, a failure that has nothing to do with deploying.
        agent: new Agent({ keepAlive: true, maxSockets: 2, timeout: 30_000 }),
      });
    }
    const knownId = () => {
      const ack = this.created[Math.floor(Math.random() * this.created.length)];
      return ack?.id;
    };
    const email = () => `u${this.runId}-${++this.counter}@rehearsal.example`;
    const ops: Op[] = [
      {
        name: 'v1 create',
        weight: 12,
        run: () => {
          const value = email();
          return {
            method: 'POST',
            path: '/api/v1/users',
            body: { name: 'Ada Lovelace', email: value },
            onOk: (json) => this.created.push({ id: json.id, email: value }),
          };
        },
      },
      {
        name: 'v2 create',
        weight: 12,
        run: () => {
          const value = email();
          return {
            method: 'POST',
            path: '/api/v2/users',
            body: { firstName: 'Grace', lastName: 'Hopper', email: value },
            onOk: (json) => this.created.push({ id: json.id, email: value }),
          };
        },
      },
      {
        name: 'v2 update',
        weight: 6,
        run: () => {
          const id = knownId();
          if (id === undefined) return { method: 'GET', path: '/api/v2/users?limit=5' };
          const value = email();
          const record = this.updates.get(id) ?? { acked: [], attempted: [] };
          this.updates.set(id, record);
          record.attempted.push(value);
          return {
            method: 'PATCH',
            path: `/api/v2/users/${id}`,
            body: { email: value },
            onOk: () => record.acked.push(value),
          };
        },
      },
      {
        name: 'v1 read',
        weight: 22,
        run: () => {
          const id = knownId();
          return { method: 'GET', path: id ? `/api/v1/users/${id}` : '/api/v1/users?limit=5' };
        },
      },
      {
        name: 'v2 read',
        weight: 20,
        run: () => {
          const id = knownId();
          return { method: 'GET', path: id ? `/api/v2/users/${id}` : '/api/v2/users?limit=5' };
        },
      },
      {
        name: 'v1 list',
        weight: 5,
        run: () => ({ method: 'GET', path: '/api/v1/users?limit=20' }),
      },
      {
        name: 'v2 list',
        weight: 8,
        run: () => ({ method: 'GET', path: '/api/v2/users?limit=20' }),
      },
      {
        name: 'recommendations',
        weight: 15,
        run: () => {
          const id = knownId();
          return {
            method: 'GET',
            path: id ? `/api/v2/users/${id}/recommendations` : '/api/v2/users?limit=1',
          };
        },
      },
    ];
    this.ops = ops;
  }

  private pickOp(): Op {
    const total = this.ops.reduce((sum, op) => sum + op.weight, 0);
    let roll = Math.random() * total;
    for (const op of this.ops) {
      roll -= op.weight;
      if (roll <= 0) return op;
    }
    return this.ops[0] as Op;
  }

  /** One request; never throws, always records a sample. */
  send(
    client: Client,
    spec: LoadRequest,
    op: string,
    options: { bodyDelayMs?: number; timeoutMs?: number } = {},
  ): Promise<void> {
    const started = Date.now();
    const [host, port] = client.target.address.split(':');
    const body = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
    const done = new Promise<void>((resolve) => {
      let settled = false;
      const finish = (status: number, error?: string) => {
        if (settled) return;
        settled = true;
        this.samples.push({
          at: started,
          ms: Date.now() - started,
          op,
          client: client.index,
          via: client.target.via,
          status,
          ...(error ? { error } : {}),
        });
        resolve();
      };
      const req = request(
        {
          host,
          port: Number(port),
          method: spec.method,
          path: spec.path,
          agent: client.agent,
          headers: {
            'X-API-Key': client.apiKey,
            'User-Agent': 'rehearsal-load/1',
            ...(body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300 && spec.onOk) {
              try {
                spec.onOk(JSON.parse(Buffer.concat(chunks).toString('utf8')));
              } catch {
                // A 2xx without the expected body is recorded by its status; the DB check decides.
              }
            }
            finish(status);
          });
          res.on('error', (error: NodeJS.ErrnoException) => finish(0, error.code ?? error.message));
          // A response cut off mid-body ends with 'close' and no 'end'.
          res.on('close', () => finish(0, 'RESPONSE_CUT'));
        },
      );
      this.requests.add(req);
      req.on('close', () => this.requests.delete(req));
      req.setTimeout(options.timeoutMs ?? 15_000, () => {
        req.destroy(Object.assign(new Error('timeout'), { code: 'CLIENT_TIMEOUT' }));
      });
      req.on('error', (error: NodeJS.ErrnoException) => finish(0, error.code ?? error.message));
      if (!body) {
        req.end();
      } else if (!options.bodyDelayMs) {
        req.end(body);
      } else {
        // A slow upload: the request is in flight for the whole delay.
        const half = Math.floor(body.length / 2);
        req.write(body.subarray(0, half));
        setTimeout(() => req.end(body.subarray(half)), options.bodyDelayMs);
      }
    });
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
    return done;
  }

  start(): void {
    this.running = true;
    const interval = 1_000 / this.ratePerSecond;
    this.loop = (async () => {
      let next = Date.now();
      let turn = 0;
      while (this.running) {
        const client = this.clients[turn++ % this.clients.length] as Client;
        const op = this.pickOp();
        void this.send(client, op.run(client), op.name);
        next += interval;
        const wait = next - Date.now();
        if (wait > 0) await sleep(wait);
      }
    })();
  }

  /** Slow writes on keep-alive clients: each upload takes `bodyDelayMs`. */
  slowWrites(count: number, bodyDelayMs: number): Promise<void>[] {
    return Array.from({ length: count }, (_, i) => {
      const client = this.clients[i % this.clients.length] as Client;
      const value = `slow-${this.runId}-${++this.counter}@rehearsal.example`;
      return this.send(
        client,
        {
          method: 'POST',
          path: '/api/v2/users',
          body: { firstName: 'Slow', lastName: 'Writer', email: value },
          onOk: (json) => this.created.push({ id: json.id, email: value }),
        },
        'slow v2 create',
        { bodyDelayMs },
      );
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    // Requests queued behind a client's busy sockets have no timeout running yet; give them
    // 20 s, then abort the rest (each is recorded as a failure).
    await Promise.race([Promise.all([...this.inFlight]), sleep(20_000)]);
    for (const req of this.requests)
      req.destroy(Object.assign(new Error('aborted'), { code: 'ABORTED_AT_END' }));
    for (const client of this.clients) client.agent.destroy();
    await Promise.all([...this.inFlight]);
  }
}

export interface LostWrites {
  missing: Ack[];
  /** Users whose email is not the last acknowledged or a later attempted value. */
  wrongUpdates: { id: number; email: string | undefined; expected: string[] }[];
}

/** Every acknowledged create is in PostgreSQL, and every acknowledged update holds. */
export async function checkAcknowledgedWrites(
  databaseUrl: string,
  load: Load,
): Promise<LostWrites> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ id: string; email: string }[]>`
      select id::text, email from users where id = any(${load.created.map((ack) => ack.id)}::bigint[])`;
    const byId = new Map(rows.map((row) => [Number(row.id), row.email]));
    const updatedIds = new Set(load.updates.keys());
    const missing = load.created.filter(
      (ack) => !byId.has(ack.id) || (!updatedIds.has(ack.id) && byId.get(ack.id) !== ack.email),
    );
    const wrongUpdates: LostWrites['wrongUpdates'] = [];
    for (const [id, record] of load.updates) {
      if (record.acked.length === 0) continue;
      const last = record.acked[record.acked.length - 1] as string;
      // After the last acknowledged value, only values attempted later may have replaced it.
      const allowed = [last, ...record.attempted.slice(record.attempted.indexOf(last) + 1)];
      const email = byId.get(id);
      if (!email || !allowed.includes(email)) wrongUpdates.push({ id, email, expected: allowed });
    }
    return { missing, wrongUpdates };
  } finally {
    await sql.end();
  }
}
