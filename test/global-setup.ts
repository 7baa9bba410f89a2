import pg from "pg";
import { resolveDatabase } from "../scripts/lib/database-url";
import { applyMigrations } from "../scripts/lib/migrate";
import { TEST_WORKERS } from "./workers";

/**
 * Real PostgreSQL for the suite: the server DATABASE_URL names when set, else embedded PostgreSQL (.data/pg).
 * One database per vitest worker (`clipstream_test_w1`, `_w2`, …), each migrated exactly as in production;
 * test/worker-env.ts points each worker at its own.
 */
export default async function setup() {
  const base = process.env.CLIPSTREAM_TEST_DB ?? "clipstream_test";
  const db = await resolveDatabase(base);
  const urls = await Promise.all(
    Array.from({ length: TEST_WORKERS }, async (_, i) => {
      const url = new URL(db.url);
      const name = `${url.pathname.slice(1) || base}_w${i + 1}`;
      await createDatabase(db.url, name);
      url.pathname = `/${name}`;
      await applyMigrations(url.toString());
      return url.toString();
    }),
  );
  process.env.CLIPSTREAM_TEST_DB_URLS = JSON.stringify(urls);
  return async () => {
    await db.stop();
  };
}

async function createDatabase(serverUrl: string, name: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`create database "${name.replace(/"/g, "")}"`);
  } finally {
    await client.end();
  }
}
