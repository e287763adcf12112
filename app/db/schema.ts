// Drizzle table definitions: the source for queries. The SQL files in migrations/ are what
// runs against the database; drizzle-kit generates them from this file (docs/migrations.md).
import { sql } from 'drizzle-orm';
import { bigint, date, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const users = pgTable(
  'users',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // Since release 0.4.0 the only source of a user's name; `name` left this definition then
    // and leaves the table in contract 0003 (docs/migrations.md, the worked example).
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    email: text('email').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // Emails are unique regardless of case: "Ann@x.io" and "ann@x.io" are one mailbox in practice.
  (table) => [uniqueIndex('users_email_lower_key').on(sql`lower(${table.email})`)],
);

// The catalogue the recommendations come from (app/recommendations/). Seeded by its migration.
export const products = pgTable(
  'products',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    category: text('category').notNull(),
    priceCents: bigint('price_cents', { mode: 'number' }).notNull(),
    // Units sold over the last 30 days: what the classic algorithm ranks by.
    popularity: bigint('popularity', { mode: 'number' }).notNull(),
    // When it went on sale: the new algorithm favours what is new to the user.
    releasedOn: date('released_on', { mode: 'string' }).notNull(),
  },
  (table) => [uniqueIndex('products_sku_key').on(table.sku)],
);
