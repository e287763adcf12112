// drizzle-kit authors the SQL (`npx drizzle-kit generate --name <what>`); the project's own
// runner (app/db/migrate) applies it. See docs/migrations.md.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './app/db/schema.ts',
  out: './migrations',
  migrations: { prefix: 'index' },
});
