// The worked example end to end on real PostgreSQL: users.name → first_name + last_name through
// expand (0001), backfill (0002) and contract (0003), with the code of every release serving
// at each step (releases.ts) the way old and new pods overlap during a rollout, and the real
// app's API v1 once its release's migrations are in. About 3 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app/app.ts';
import { apiServerConfig } from '../../app/config/processes.ts';
import { rollbackBlockers } from '../../app/db/migrate/gate/rollback.ts';
import { buildDeps, closeDeps } from '../../app/deps.ts';
import { splitFullName } from '../../app/users/name.ts';
import { releaseR0, releaseR1, releaseR2, releaseR3, type UserV1 } from './releases.ts';
import { type EvolvingDatabase, evolvingDatabase, silent } from './support.ts';

let db: EvolvingDatabase;
beforeAll(async () => {
  db = await evolvingDatabase();
});
afterAll(async () => {
  await db?.close();
});

/** Names that make the split interesting: extra spaces, one word, non-ASCII, exotic spaces. */
const NAMES = [
  'Ada Lovelace',
  'Grace  Brewster   Hopper',
  'Plato',
  'Zoë Ångström',
  '李 小龙',
  'José\u00a0María Aznar',
  'Ōe\u3000Kenzaburō',
  'Anne-Marie\tvan der Berg',
];

/** The invariant once the parts are the source: every row's parts are the split of its name. */
async function rowsBreakingTheInvariant(): Promise<number> {
  const [row] = await db.sql`
    select count(*)::int as n from users u, lateral users_split_name(u.name) s
     where u.first_name is null or u.last_name is null
        or (u.first_name, u.last_name) is distinct from (s.first_name, s.last_name)`;
  return row?.n ?? -1;
}

const created: Record<string, UserV1> = {};

describe('users.name → first_name + last_name, step by step', () => {
  it('0.1.0 on migration 0000 writes names only', async () => {
    expect((await db.migrate('expand', '0000_create_users.sql')).applied).toEqual([
      '0000_create_users.sql',
    ]);
    const r0 = releaseR0(db.orm);
    for (const [index, name] of NAMES.entries()) {
      created[name] = await r0.insert(name, `user${index}@example.com`);
    }
  });

  it('expand 0001: 0.1.0 keeps working beside 0.2.0, and the trigger fills the new columns', async () => {
    const result = await db.migrate('expand', '0002_users_name_split_backfill.sql');
    expect(result.applied).toEqual(['0001_users_name_split.sql']);
    const r0 = releaseR0(db.orm);
    const r1 = releaseR1(db.orm);

    // The old release: inserts, reads, renames and other updates as before.
    const old = await r0.insert('Alan  Turing', 'alan@example.com');
    expect(await r0.find(old.id)).toEqual(old);
    expect(await r0.rename(old.id, 'Alan Mathison Turing')).toMatchObject({
      name: 'Alan Mathison Turing',
    });
    expect(await r0.changeEmail(old.id, 'turing@example.com')).toMatchObject({
      email: 'turing@example.com',
    });
    // Rows written before the expand, not backfilled yet: the old release changes them too
    // (the NOT VALID check holds because the trigger fills the parts).
    const first = created['Ada Lovelace'] as UserV1;
    expect(await r0.changeEmail(first.id, 'ada@example.com')).toMatchObject({
      name: 'Ada Lovelace',
    });

    // The new release writes both and reads name; each sees the other's writes.
    const fresh = await r1.insert('Katherine Johnson', 'kj@example.com');
    expect(await r0.find(fresh.id)).toEqual(fresh);
    expect(await r1.find(old.id)).toMatchObject({ name: 'Alan Mathison Turing' });
    await r0.rename(fresh.id, 'Katherine Coleman Johnson');
    const [parts] = await db.sql`select first_name, last_name from users where id = ${fresh.id}`;
    expect(parts).toEqual({ first_name: 'Katherine', last_name: 'Coleman Johnson' });

    // Rows from before the expand still lack their parts: 0.3.0, which reads them, must wait.
    const [missing] = await db.sql`select count(*)::int as n from users where first_name is null`;
    expect(missing?.n).toBe(NAMES.length - 1);
  });

  it('the real app of 0.4.0 is not ready before the backfill is complete', async () => {
    const config = apiServerConfig.load({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    const deps = await buildDeps(config, silent());
    try {
      const ready = await createApp(deps).request('/ready');
      expect(ready.status).toBe(503);
      // The public answer names the failed check; which migrations are missing is logged.
      expect((await ready.json()).checks.schema).toBe('incomplete');
      expect(await deps.missingMigrations()).toEqual(
        expect.arrayContaining([expect.stringMatching(/0002_users_name_split_backfill\.sql/)]),
      );
    } finally {
      await closeDeps(deps);
    }
  });

  it('the SQL split is the TypeScript split, for every name', async () => {
    const tricky = [
      ...NAMES,
      '  padded  ',
      'x',
      '',
      ' \u2003 em\u2003space \u2009thin ',
      '\ufeffbom name',
    ];
    for (const name of tricky) {
      const [row] = await db.sql`select first_name, last_name from users_split_name(${name})`;
      const { firstName, lastName } = splitFullName(name);
      expect({ name, first: row?.first_name, last: row?.last_name }).toEqual({
        name,
        first: firstName,
        last: lastName,
      });
    }
  });

  it('backfill 0002 fills the old rows; 0.2.0 and 0.3.0 serve side by side', async () => {
    const result = await db.migrate('backfill', '0002_users_name_split_backfill.sql');
    expect(result.applied).toEqual(['0002_users_name_split_backfill.sql']);
    expect(await rowsBreakingTheInvariant()).toBe(0);
    const [marker] = await db.sql`select completed_at from schema_backfills`;
    expect(marker?.completed_at).not.toBeNull();

    const r1 = releaseR1(db.orm);
    const r2 = releaseR2(db.orm);
    for (const name of NAMES) {
      const user = created[name] as UserV1;
      // 0.3.0 derives name from the parts: whitespace collapsed, as the name split implies.
      expect((await r2.find(user.id))?.name).toBe(name.trim().split(/\s+/).join(' '));
      expect((await r1.find(user.id))?.name).toBe(name);
    }
    const byR2 = await r2.insert('Margaret Hamilton', 'mh@example.com');
    expect(await r1.find(byR2.id)).toMatchObject({ name: 'Margaret Hamilton' });
    await r1.rename(byR2.id, 'Margaret Heafield Hamilton');
    expect(await r2.find(byR2.id)).toMatchObject({ name: 'Margaret Heafield Hamilton' });
    expect(await rowsBreakingTheInvariant()).toBe(0);
  });

  it('0.4.0 (the app now) stops writing name; the trigger keeps it for 0.2.0/0.3.0 and rollbacks', async () => {
    const r3 = releaseR3(db.orm);
    const r2 = releaseR2(db.orm);
    const r1 = releaseR1(db.orm);
    const user = await r3.insert('Barbara Liskov', 'bl@example.com');
    expect(await r2.find(user.id)).toEqual(user);
    expect(await r1.find(user.id)).toEqual(user);
    await r3.rename(user.id, 'Barbara Jane Liskov');
    expect(await r1.find(user.id)).toMatchObject({ name: 'Barbara Jane Liskov' });
    await r2.rename(user.id, 'Barbara Liskov');
    expect(await r3.find(user.id)).toMatchObject({ name: 'Barbara Liskov' });
    expect(await rowsBreakingTheInvariant()).toBe(0);

    // The real app: ready once its deployment's expand has run (contract files are not needed
    // by the build that ships them), and its API v1 answers {id, name, email} from the parts.
    await db.migrate('expand', '9999');
    const config = apiServerConfig.load({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    const deps = await buildDeps(config, silent());
    try {
      const app = createApp(deps);
      deps.lifecycle.advance('ready');
      expect((await app.request('/ready')).status).toBe(200);
      const zoe = created['Zoë Ångström'] as UserV1;
      const read = await app.request(`/api/v1/users/${zoe.id}`);
      expect(await read.json()).toEqual({ id: zoe.id, name: 'Zoë Ångström', email: zoe.email });
      const posted = await app.request('/api/v1/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: '  Frances   Elizabeth Allen ', email: 'fa@example.com' }),
      });
      expect(posted.status).toBe(201);
      const body = (await posted.json()) as UserV1;
      expect(body.name).toBe('Frances Elizabeth Allen');
      expect(await r1.find(body.id)).toMatchObject({ name: 'Frances Elizabeth Allen' });
    } finally {
      await closeDeps(deps);
    }
  });

  it('contract 0003 waits for the last 0.3.0 instance, then drops name; 0.4.0 serves on', async () => {
    const until = '0003_users_drop_name.sql';
    await db.sql`
      insert into app_instances (instance_id, release, hostname, pid)
      values ('old-pod/1/abc', '0.3.0', 'old-pod', 1)`;
    const held = await db.migrate('contract', until);
    expect(held.applied).toEqual([]);
    expect(held.held[0]?.reasons[0]).toMatch(
      /instance old-pod\/1\/abc .* release 0\.3\.0, older than 0\.4\.0/,
    );

    // The old pod drains and says so: the gate opens at once.
    await db.sql`update app_instances set stopped_at = now() where instance_id = 'old-pod/1/abc'`;
    expect((await db.migrate('contract', until)).applied).toEqual([until]);

    const columns = await db.sql`
      select column_name, is_nullable from information_schema.columns
       where table_name = 'users' order by column_name`;
    expect(columns.map((c) => c.column_name)).not.toContain('name');
    expect(columns.filter((c) => c.column_name.endsWith('_name'))).toEqual([
      { column_name: 'first_name', is_nullable: 'NO' },
      { column_name: 'last_name', is_nullable: 'NO' },
    ]);
    const r3 = releaseR3(db.orm);
    const user = await r3.insert('Edsger Dijkstra', 'ed@example.com');
    expect(await r3.rename(user.id, 'Edsger Wybe Dijkstra')).toMatchObject({
      name: 'Edsger Wybe Dijkstra',
    });
    for (const name of NAMES) {
      const before = created[name] as UserV1;
      expect((await r3.find(before.id))?.name).toBe(name.trim().split(/\s+/).join(' '));
    }
    // What the gate prevented: the code of 0.3.0 against the contracted schema.
    await expect(releaseR2(db.orm).insert('Too Late', 'late@example.com')).rejects.toThrow();
    // And the rollback check keeps 0.3.0 from coming back.
    expect(await rollbackBlockers(db.session, '0.3.0')).toEqual([
      expect.stringContaining(
        'contract 0003_users_drop_name.sql is applied and needs release 0.4.0',
      ),
    ]);
    expect(await rollbackBlockers(db.session, '0.4.0')).toEqual([]);
  });
});
