import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

/**
 * Prisma migrations without the native schema engine.
 *
 * Prisma 7's CLI downloads a native `schema-engine` binary before `migrate` runs, which cannot be fetched
 * offline. The same engine is published as WebAssembly (@prisma/schema-engine-wasm) and driven by
 * Prisma's own driver adapter here: `applyMigrations` is exactly what `prisma migrate deploy` runs
 * (same `_prisma_migrations` table and checksums), and `diff` is what `prisma migrate diff` runs.
 * With network access, `prisma migrate deploy` works on the same folder.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const SCHEMA_DIR = path.join(ROOT, "prisma/schema");
export const MIGRATIONS_DIR = path.join(ROOT, "prisma/migrations");
const filters = { externalTables: [], externalEnums: [] };

type TWasm = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
let wasmModule: Promise<TWasm> | undefined;

async function loadWasm(): Promise<TWasm> {
  wasmModule ??= (async () => {
    const bg = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as TWasm;
    const req = createRequire(import.meta.url);
    const wasmPath = req.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
    const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), { "./schema_engine_bg.js": bg });
    (bg as unknown as { __wbg_set_wasm(x: unknown): void }).__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })();
  return wasmModule;
}

export function schemaFiles(dir = SCHEMA_DIR): { path: string; content: string }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".prisma"))
    .sort()
    .map((f) => ({ path: path.join(dir, f), content: fs.readFileSync(path.join(dir, f), "utf8") }));
}

/**
 * adapter-pg's executeScript splits a migration on every ";" and sends the pieces one at a time, which breaks a
 * function body (and any comment with a ";" in it) and leaves a failed migration half applied. Prisma's native
 * engine sends the whole script as one simple-protocol query, which PostgreSQL runs as one implicit
 * transaction; so does this.
 */
class WholeScriptPg extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    const pool = adapter.underlyingDriver() as pg.Pool;
    adapter.executeScript = async (script: string) => {
      try {
        await pool.query(script);
      } catch (err) {
        (adapter as unknown as { onError(e: unknown): never }).onError(err);
      }
    };
    return adapter;
  }
}

async function engineFor(url: string) {
  const bg = await loadWasm();
  const files = schemaFiles();
  const factory = new WholeScriptPg({ connectionString: url });
  return bg.SchemaEngine.new(
    { datamodels: files.map((f) => [f.path, f.content] as [string, string]) },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory),
  );
}

function migrationsList(root = MIGRATIONS_DIR) {
  const dirs = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((d) => fs.existsSync(path.join(root, d, "migration.sql")))
        .sort()
    : [];
  const lockPath = path.join(root, "migration_lock.toml");
  return {
    baseDir: root,
    lockfile: {
      path: "migration_lock.toml",
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((d) => ({
      path: d,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: fs.readFileSync(path.join(root, d, "migration.sql"), "utf8") },
      },
    })),
  };
}

/** `prisma migrate deploy`: applies every migration not yet recorded in `_prisma_migrations` (`dir`: tests). */
export async function applyMigrations(url: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const engine = await engineFor(url);
  try {
    const out = await engine.applyMigrations({ migrationsList: migrationsList(dir), filters });
    return out.appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/**
 * `prisma migrate dev --create-only`: writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL
 * that takes the schema as of the last migration to the current schema. The schema as of each migration is
 * kept beside it (schema.prisma.snapshot), because diffing against the migration history itself needs a
 * shadow database that the wasm engine cannot open through an adapter.
 */
export async function createMigration(url: string, name: string): Promise<string | null> {
  const engine = await engineFor(url);
  try {
    const dirs = migrationsList().migrationDirectories.map((d) => d.path);
    const last = dirs.at(-1);
    const snapshotPath = last ? path.join(MIGRATIONS_DIR, last, "schema.prisma.snapshot") : null;
    if (snapshotPath && !fs.existsSync(snapshotPath)) throw new Error(`missing ${snapshotPath}`);
    const current = schemaFiles();
    const from = snapshotPath
      ? {
          tag: "schemaDatamodel" as const,
          files: [{ path: "snapshot.prisma", content: fs.readFileSync(snapshotPath, "utf8") }],
        }
      : { tag: "empty" as const };
    const diff = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: current },
      script: true,
      exitCode: true,
      filters,
    });
    if (diff.exitCode !== 2 || !diff.stdout) return null;
    const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name.replace(/[^a-z0-9_]+/gi, "_").toLowerCase()}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "migration.sql"), diff.stdout);
    fs.writeFileSync(path.join(dir, "schema.prisma.snapshot"), current.map((f) => f.content).join("\n"));
    const lock = path.join(MIGRATIONS_DIR, "migration_lock.toml");
    if (!fs.existsSync(lock))
      fs.writeFileSync(lock, '# Please do not edit this file manually\nprovider = "postgresql"\n');
    return dir;
  } finally {
    engine.free();
  }
}
