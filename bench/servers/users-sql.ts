// The users endpoints as the baselines serve them: the same queries (prepared by postgres.js)
// and the same response bytes as myapp, with nothing else around them. The floor and bare Hono
// share this file, so the only difference between them is the framework.
import postgres from 'postgres';
import { encodeCursor } from '../../app/api/cursor.ts';
import { POSTGRES_PIPELINE_OPTION } from '../../app/db/postgres-pipeline.ts';
import type { User } from '../../app/users/model.ts';
import { fullName } from '../../app/users/name.ts';

/** A row as the query reads it: the domain's own user. */
type Row = User;

const v1 = (user: Row) => ({ id: user.id, name: fullName(user), email: user.email });
const v2 = (user: Row) => ({
  id: user.id,
  fullName: fullName(user),
  email: user.email,
  profile: { createdAt: user.createdAt.toISOString(), updatedAt: user.updatedAt.toISOString() },
});

export type Version = 'v1' | 'v2';
const WIRE: Record<Version, (user: Row) => object> = { v1, v2 };

export interface UsersSql {
  /** The user's JSON in `version`, or undefined when there is none. */
  get(version: Version, id: number): Promise<string | undefined>;
  /** The first page of `limit` users, as myapp answers it. */
  list(version: Version, limit: number): Promise<string>;
  /** Creates a v1 user from its name and email; its JSON. */
  create(name: string, email: string): Promise<string>;
  close(): Promise<void>;
}

export function openUsersSql(url: string): UsersSql {
  const sql = postgres(url, {
    max: Number(process.env.DB_POOL_MAX ?? 10),
    prepare: true,
    // The API's own pool setting (app/db/postgres-pipeline.ts): postgres.js's default costs more
    // CPU a query the longer the load lasts, which would flatter any ratio to this baseline.
    ...POSTGRES_PIPELINE_OPTION,
    transform: postgres.camel,
    onnotice: () => {},
  });
  const columns = sql`id::float8 as id, first_name, last_name, email, created_at, updated_at`;
  return {
    async get(version, id) {
      const [row] = await sql<Row[]>`select ${columns} from users where id = ${id}`;
      return row && JSON.stringify(WIRE[version](row));
    },
    async list(version, limit) {
      const rows = await sql<Row[]>`select ${columns} from users order by id limit ${limit + 1}`;
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      const nextCursor = rows.length > limit && last ? encodeCursor(last.id) : null;
      return JSON.stringify({ data: items.map(WIRE[version]), nextCursor });
    },
    async create(name, email) {
      const space = name.indexOf(' ');
      const [first, last] = space < 0 ? [name, ''] : [name.slice(0, space), name.slice(space + 1)];
      const [row] = await sql<Row[]>`
        insert into users (first_name, last_name, email) values (${first}, ${last}, ${email})
        returning ${columns}`;
      return JSON.stringify(v1(row as Row));
    },
    close: () => sql.end(),
  };
}
