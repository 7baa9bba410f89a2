/**
 * Database commands.
 *   tsx scripts/db.ts migrate                 apply committed migrations (embedded PostgreSQL unless DATABASE_URL)
 *   tsx scripts/db.ts create-migration <name> write a new migration from the schema change
 *   tsx scripts/db.ts run -- <cmd> [args]     run a command with DATABASE_URL pointing at a migrated database
 */
import { spawn } from "node:child_process";
import { resolveDatabase } from "./lib/database-url";
import { applyMigrations, createMigration } from "./lib/migrate";

const [cmd, ...rest] = process.argv.slice(2);
const dbName = process.env.CLIPSTREAM_DB_NAME ?? "clipstream";

async function main(): Promise<number> {
  switch (cmd) {
    case "migrate": {
      const db = await resolveDatabase(dbName);
      const applied = await applyMigrations(db.url);
      console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
      await db.stop();
      return 0;
    }
    case "create-migration": {
      const name = rest[0];
      if (!name) {
        console.error("usage: npm run db:migrate:create -- <name>");
        return 2;
      }
      const db = await resolveDatabase(dbName);
      const dir = await createMigration(db.url, name);
      await db.stop();
      console.log(dir ? `created ${dir}` : "no schema changes: nothing to migrate");
      return 0;
    }
    case "run": {
      const argv = rest[0] === "--" ? rest.slice(1) : rest;
      if (!argv.length) {
        console.error("usage: tsx scripts/db.ts run -- <command> [args]");
        return 2;
      }
      const db = await resolveDatabase(dbName);
      await applyMigrations(db.url);
      const child = spawn(argv[0], argv.slice(1), { stdio: "inherit", env: { ...process.env, DATABASE_URL: db.url } });
      const forward = (sig: NodeJS.Signals) => child.kill(sig);
      process.on("SIGINT", forward);
      process.on("SIGTERM", forward);
      const code: number = await new Promise((r) => child.on("exit", (c, s) => r(c ?? (s ? 1 : 0))));
      await db.stop();
      return code;
    }
    default:
      console.error("usage: tsx scripts/db.ts migrate | create-migration <name> | run -- <cmd>");
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
