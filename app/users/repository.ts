// Users in PostgreSQL through drizzle. The hot statements are prepared once per repository: the
// server plans them once per connection instead of once per request, and drizzle builds their
// SQL once: building an insert per request (its `is` checks, the SQL and the parameters) was
// most of what a create cost beyond the floor. An update sets the columns a request changed, a
// different statement each time: it is built per request. Writes go through
// `retryWrites`: two concurrent email swaps deadlock on the unique index, and the loser is run
// again (app/db/retry.ts).
import { asc, eq, gt, sql } from 'drizzle-orm';
import type { Orm } from '../db/database.ts';
import { violatedUniqueConstraint } from '../db/errors.ts';
import type { RetryWrites } from '../db/retry.ts';
import { users } from '../db/schema.ts';
import { EmailTakenError } from './errors.ts';
import type { NewUser, User, UserChanges } from './model.ts';

export interface UsersRepository {
  /** Users with id above `afterId`, in id order; one more than `limit` tells if a page follows. */
  listAfter(afterId: number, limit: number): Promise<User[]>;
  find(id: number): Promise<User | undefined>;
  insert(user: NewUser): Promise<User>;
  update(id: number, changes: UserChanges, now: Date): Promise<User | undefined>;
  delete(id: number): Promise<boolean>;
}

const EMAIL_UNIQUE = 'users_email_lower_key';

async function mapEmailConflict<T>(email: string | undefined, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (email !== undefined && violatedUniqueConstraint(error) === EMAIL_UNIQUE)
      throw new EmailTakenError(email);
    throw error;
  }
}

const runOnce: RetryWrites = (work) => work();

export function createUsersRepository(
  orm: Orm,
  retryWrites: RetryWrites = runOnce,
): UsersRepository {
  const listAfter = orm
    .select()
    .from(users)
    .where(gt(users.id, sql.placeholder('afterId')))
    .orderBy(asc(users.id))
    .limit(sql.placeholder('limit'))
    .prepare('users_list_after');
  const findById = orm
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare('users_find_by_id');
  const insertUser = orm
    .insert(users)
    .values({
      firstName: sql.placeholder('firstName'),
      lastName: sql.placeholder('lastName'),
      email: sql.placeholder('email'),
    })
    .returning()
    .prepare('users_insert');
  const deleteById = orm
    .delete(users)
    .where(eq(users.id, sql.placeholder('id')))
    .returning({ id: users.id })
    .prepare('users_delete_by_id');

  return {
    listAfter: (afterId, limit) => listAfter.execute({ afterId, limit }),
    async find(id) {
      const [row] = await findById.execute({ id });
      return row;
    },
    async insert(user) {
      const { firstName, lastName, email } = user;
      const [row] = await retryWrites(() =>
        mapEmailConflict(email, insertUser.execute({ firstName, lastName, email })),
      );
      if (!row) throw new Error('insert returned no row');
      return row;
    },
    async update(id, changes, now) {
      const [row] = await retryWrites(() =>
        mapEmailConflict(
          changes.email,
          orm
            .update(users)
            .set({ ...changes, updatedAt: now })
            .where(eq(users.id, id))
            .returning(),
        ),
      );
      return row;
    },
    async delete(id) {
      const deleted = await retryWrites(() => deleteById.execute({ id }));
      return deleted.length > 0;
    },
  };
}
