/**
 * The offline `prisma migrate deploy` (scripts/lib/migrate.ts) on fresh PostgreSQL databases: every committed
 * migration applies once and is recorded, function bodies survive (their ";" are not split), and a migration
 * that fails part-way leaves nothing behind, like Prisma's native engine sending the script as one query.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, MIGRATIONS_DIR } from "./migrate";

const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
const created: string[] = [];

async function freshDatabase(tag: string): Promise<string> {
  if (!created.length) await admin.connect();
  const name = `clipstream_migrate_${tag}_${Date.now()}`;
  await admin.query(`create database "${name}"`);
  created.push(name);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

afterAll(async () => {
  for (const name of created) await admin.query(`drop database if exists "${name}" with (force)`);
  if (created.length) await admin.end();
});

describe("applyMigrations", () => {
  it("applies every committed migration once, function bodies included", async () => {
    const url = await freshDatabase("all");
    const committed = fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((d) => fs.existsSync(path.join(MIGRATIONS_DIR, d, "migration.sql")))
      .sort();
    expect(await applyMigrations(url)).toEqual(committed);
    expect(await applyMigrations(url)).toEqual([]);
    const rows = await query<{ migration_name: string; finished: boolean }>(
      url,
      `select migration_name, finished_at is not null as finished from _prisma_migrations order by migration_name`,
    );
    expect(rows).toEqual(committed.map((m) => ({ migration_name: m, finished: true })));
    const triggers = await query<{ tgname: string }>(
      url,
      `select tgname from pg_trigger where tgrelid = '"Clip"'::regclass and not tgisinternal order by tgname`,
    );
    // The session clip count, the push channel (push_notify), notifications (push_notifications), readyAt
    // (clip_ready_at) and webhooks (outgoing_webhooks).
    expect(triggers.map((t) => t.tgname)).toEqual([
      "Clip_count_delete",
      "Clip_count_insert",
      "Clip_push",
      "Clip_push_notifications",
      "Clip_ready_at",
      "Clip_webhooks",
    ]);
  });

  it("a migration that fails part-way leaves nothing of itself behind", async () => {
    const url = await freshDatabase("fail");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-"));
    fs.writeFileSync(path.join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
    fs.mkdirSync(path.join(dir, "20260101000000_ok"));
    fs.writeFileSync(
      path.join(dir, "20260101000000_ok", "migration.sql"),
      `CREATE TABLE "Kept" (id int); -- a comment; with semicolons;\n`,
    );
    fs.mkdirSync(path.join(dir, "20260102000000_bad"));
    fs.writeFileSync(
      path.join(dir, "20260102000000_bad", "migration.sql"),
      `CREATE TABLE "Half" (id int);\nSELECT 1 / 0;\n`,
    );
    await expect(applyMigrations(url, dir)).rejects.toThrow(/division by zero/);
    const tables = await query<{ tablename: string }>(
      url,
      `select tablename from pg_tables where schemaname = 'public' and tablename in ('Kept', 'Half')`,
    );
    expect(tables.map((t) => t.tablename)).toEqual(["Kept"]);
  });
});
