import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import { startChild, type TChild } from "@/scripts/lib/processes";

/**
 * The production stack (scripts/stack.ts --prod: a fresh `next build` when stale, embedded PostgreSQL with its
 * own database, job runner, recorder) in a child process, for the benchmarks that drive pages in Chromium.
 * `ready()` waits (up to 300 s) for the stack to write its addresses.
 */
export function startProdStack(o: { dataDir: string; port: number; db: string; env?: NodeJS.ProcessEnv }): {
  child: TChild;
  ready: () => Promise<{ appUrl: string; databaseUrl: string }>;
} {
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

/** Debian's Chromium (or CHROMIUM_PATH), headless, as the e2e suite runs it. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}
