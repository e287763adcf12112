// Drizzle table definitions: the source for queries. The SQL files in migrations/ are what
// runs against the database; drizzle-kit generates them from this file.
import { sql } from 'drizzle-orm';
import { bigint, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const users = pgTable(
  'users',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // Emails are unique regardless of case: "Ann@x.io" and "ann@x.io" are one mailbox in practice.
  (table) => [uniqueIndex('users_email_lower_key').on(sql`lower(${table.email})`)],
);
