import { startEmbeddedPostgres, type TEmbeddedDb } from "./embedded-pg";

/** DATABASE_URL when set (production, CI with a server); otherwise embedded PostgreSQL under .data/pg. */
export async function resolveDatabase(database: string): Promise<TEmbeddedDb> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  return startEmbeddedPostgres({ database });
}
