-- migrate: contract after=0.4.0
-- users.name -> first_name + last_name, step 3 of 3: held back until no instance older than
-- 0.4.0 (the first release that neither reads nor writes name) has been seen, and until the
-- backfill 0002 is complete. drizzle-kit generated the SET NOT NULLs and the DROP COLUMN from
-- app/db/schema.ts; the rest is by hand.

-- The scans run under SHARE UPDATE EXCLUSIVE: reads and writes go on meanwhile.
ALTER TABLE "users" VALIDATE CONSTRAINT "users_first_name_not_null";--> statement-breakpoint
ALTER TABLE "users" VALIDATE CONSTRAINT "users_last_name_not_null";--> statement-breakpoint
DROP TRIGGER IF EXISTS users_sync_name_on_insert ON "users";--> statement-breakpoint
DROP TRIGGER IF EXISTS users_sync_name_on_update ON "users";--> statement-breakpoint
DROP FUNCTION IF EXISTS users_sync_name();--> statement-breakpoint
-- migrate:allow set-not-null: the CHECK validated above proves it, so PostgreSQL skips the scan
ALTER TABLE "users" ALTER COLUMN "first_name" SET NOT NULL;--> statement-breakpoint
-- migrate:allow set-not-null: the CHECK validated above proves it, so PostgreSQL skips the scan
ALTER TABLE "users" ALTER COLUMN "last_name" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_first_name_not_null";--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_last_name_not_null";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "name";--> statement-breakpoint
DROP FUNCTION IF EXISTS users_split_name(text);
