import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import pg from "pg";
import { startEmbeddedPostgres } from "@/scripts/lib/embedded-pg";
import { startChild, type TChild } from "@/scripts/lib/processes";

/**
 * The production stack (scripts/stack.ts --prod: a fresh `next build` when stale, embedded PostgreSQL with its
 * own database, job runner, recorder) in a child process, for the benchmarks that drive pages in Chromium.
 * `ready()` waits (up to 300 s) for the stack to write its addresses. Each run starts from nothing (see
 * resetBenchState).
 */
export async function startProdStack(o: {
  dataDir: string;
  port: number;
  db: string;
  env?: NodeJS.ProcessEnv;
}): Promise<{ child: TChild; ready: () => Promise<{ appUrl: string; databaseUrl: string }> }> {
  await resetBenchState(o.dataDir, o.db);
  const file = path.join(o.dataDir, "stack.json");
  fs.rmSync(file, { force: true });
  const child = startChild(
    "stack",
    "node_modules/.bin/tsx",
    ["scripts/stack.ts", "--prod", "--ports", String(o.port), "--db", o.db, "--no-demo", "--data-dir", o.dataDir],
    { ...(o.env ?? process.env), NEXT_TELEMETRY_DISABLED: "1" },
    { output: "none" },
  );
  const ready = async () => {
    const deadline = Date.now() + 300_000;
    while (!fs.existsSync(file)) {
      if (child.proc.exitCode !== null) throw new Error("the stack exited during start-up");
      if (Date.now() > deadline) throw new Error("the stack did not start within 300 s");
      await new Promise((r) => setTimeout(r, 500));
    }
    return JSON.parse(fs.readFileSync(file, "utf8")) as { appUrl: string; databaseUrl: string };
  };
  return { child, ready };
}

/**
 * Empties the benchmark's data directory (keeping its secrets) and drops its embedded database: a recorder
 * spool left by an earlier run would otherwise resume that run's session against the new broadcast (same
 * address), and two sessions recording at once made the figures. A database named by DATABASE_URL is left as
 * it is.
 */
async function resetBenchState(dataDir: string, db: string) {
  for (const entry of fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : []) {
    if (entry !== "secrets.json") fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
  }
  if (process.env.DATABASE_URL) return;
  const server = await startEmbeddedPostgres({ database: "postgres" });
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(`drop database if exists "${db.replace(/"/g, "")}" with (force)`);
  } finally {
    await client.end();
    await server.stop();
  }
}

/** Debian's Chromium (or CHROMIUM_PATH), headless, as the e2e suite runs it. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}
