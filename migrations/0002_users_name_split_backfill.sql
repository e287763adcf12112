-- migrate: backfill table=users key=id
-- users.name -> first_name + last_name, step 2 of 3 (release 0.3.0, which reads the new
-- columns and so is not ready until this is complete). Fills the parts of the rows written
-- before 0001, one key range ($1 < id <= $2) per batch: `npm run migrate -- backfill`.
-- Idempotent: rows that already have their parts (written by the trigger or by 0.2.0+) are left
-- alone.
UPDATE "users"
   SET ("first_name", "last_name") = (SELECT * FROM users_split_name("name"))
 WHERE "id" > $1 AND "id" <= $2
   AND "first_name" IS NULL AND "last_name" IS NULL AND "name" IS NOT NULL
