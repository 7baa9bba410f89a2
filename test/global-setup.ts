import { resolveDatabase } from "../scripts/lib/database-url";
import { applyMigrations } from "../scripts/lib/migrate";

/**
 * Real PostgreSQL for the suite: DATABASE_URL when set, else embedded PostgreSQL (.data/pg) with a
 * `clipstream_test` database. Migrations are applied exactly as in production.
 */
export default async function setup() {
  const db = await resolveDatabase(process.env.CLIPSTREAM_TEST_DB ?? "clipstream_test");
  await applyMigrations(db.url);
  process.env.DATABASE_URL = db.url;
  process.env.DATA_DIR ??= ".data/test";
  return async () => {
    await db.stop();
  };
}
