// The app code of each release of the worked example (users.name → first_name + last_name), as
// it was: its drizzle table definition and how its repository wrote and read users, answering
// in the v1 shape `{id, name, email}`. The compatibility tests run an older release's code
// against the schema of a newer step, exactly as old pods keep running during a rollout.
// Release 0.4.0 is the code in app/ today (app/users/repository.ts); it is included here
// through that real repository.
import { eq } from 'drizzle-orm';
import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Orm } from '../../app/db/database.ts';
import { fullName, splitFullName } from '../../app/users/name.ts';
import { createUsersRepository } from '../../app/users/repository.ts';

export interface UserV1 {
  id: number;
  name: string;
  email: string;
}

/** What every release's users code can do, in the v1 shape. */
export interface ReleaseCode {
  readonly release: string;
  insert(name: string, email: string): Promise<UserV1>;
  find(id: number): Promise<UserV1 | undefined>;
  rename(id: number, name: string): Promise<UserV1>;
  changeEmail(id: number, email: string): Promise<UserV1>;
}

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

/** 0.1.0: name only (migrations up to 0000). */
const usersR0 = pgTable('users', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  email: text('email').notNull(),
  ...timestamps,
});

/** 0.2.0 and 0.3.0: name nullable, the parts beside it (0001). */
const usersR1 = pgTable('users', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  name: text('name'),
  firstName: text('first_name'),
  lastName: text('last_name'),
  email: text('email').notNull(),
  ...timestamps,
});

function only<T>(rows: T[]): T {
  const [row] = rows;
  if (!row) throw new Error('expected a row');
  return row;
}

/** 0.1.0: reads and writes name. */
export function releaseR0(orm: Orm): ReleaseCode {
  const shape = (row: typeof usersR0.$inferSelect): UserV1 => ({
    id: row.id,
    name: row.name,
    email: row.email,
  });
  return {
    release: '0.1.0',
    insert: async (name, email) =>
      shape(only(await orm.insert(usersR0).values({ name, email }).returning())),
    find: async (id) => {
      const [row] = await orm.select().from(usersR0).where(eq(usersR0.id, id));
      return row && shape(row);
    },
    rename: async (id, name) =>
      shape(only(await orm.update(usersR0).set({ name }).where(eq(usersR0.id, id)).returning())),
    changeEmail: async (id, email) =>
      shape(only(await orm.update(usersR0).set({ email }).where(eq(usersR0.id, id)).returning())),
  };
}

/** 0.2.0: writes name AND the parts; still reads name. */
export function releaseR1(orm: Orm): ReleaseCode {
  const shape = (row: typeof usersR1.$inferSelect): UserV1 => ({
    id: row.id,
    name: row.name ?? '',
    email: row.email,
  });
  return {
    release: '0.2.0',
    insert: async (name, email) =>
      shape(
        only(
          await orm
            .insert(usersR1)
            .values({ name, ...splitFullName(name), email })
            .returning(),
        ),
      ),
    find: async (id) => {
      const [row] = await orm.select().from(usersR1).where(eq(usersR1.id, id));
      return row && shape(row);
    },
    rename: async (id, name) =>
      shape(
        only(
          await orm
            .update(usersR1)
            .set({ name, ...splitFullName(name) })
            .where(eq(usersR1.id, id))
            .returning(),
        ),
      ),
    changeEmail: async (id, email) =>
      shape(only(await orm.update(usersR1).set({ email }).where(eq(usersR1.id, id)).returning())),
  };
}

/** 0.3.0: reads the parts (the backfill must be complete), still writes both. */
export function releaseR2(orm: Orm): ReleaseCode {
  const shape = (row: typeof usersR1.$inferSelect): UserV1 => ({
    id: row.id,
    name: fullName({ firstName: row.firstName ?? '', lastName: row.lastName ?? '' }),
    email: row.email,
  });
  const written = releaseR1(orm);
  // 0.3.0 writes through 0.2.0's code, then reads the row back the new way.
  const select = (id: number) => orm.select().from(usersR1).where(eq(usersR1.id, id));
  const readBack = async (id: number) => shape(only(await select(id)));
  return {
    release: '0.3.0',
    insert: async (name, email) => {
      const { id } = await written.insert(name, email);
      return readBack(id);
    },
    find: async (id) => {
      const [row] = await select(id);
      return row && shape(row);
    },
    rename: async (id, name) => {
      await written.rename(id, name);
      return readBack(id);
    },
    changeEmail: async (id, email) => {
      await written.changeEmail(id, email);
      return readBack(id);
    },
  };
}

/** 0.4.0, the code in app/ now: only the parts. */
export function releaseR3(orm: Orm): ReleaseCode {
  const repository = createUsersRepository(orm);
  const shape = (user: { id: number; firstName: string; lastName: string; email: string }) => ({
    id: user.id,
    name: fullName(user),
    email: user.email,
  });
  return {
    release: '0.4.0',
    insert: async (name, email) =>
      shape(await repository.insert({ ...splitFullName(name), email })),
    find: async (id) => {
      const user = await repository.find(id);
      return user && shape(user);
    },
    rename: async (id, name) => {
      const user = await repository.update(id, splitFullName(name), new Date());
      if (!user) throw new Error(`no user ${id}`);
      return shape(user);
    },
    changeEmail: async (id, email) => {
      const user = await repository.update(id, { email }, new Date());
      if (!user) throw new Error(`no user ${id}`);
      return shape(user);
    },
  };
}
