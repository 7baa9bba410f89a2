/**
 * `.env.example` documents every variable the code reads: the zod schemas of the web app (lib/env.ts), the
 * job runner (lib/jobs/server.ts), the functions server (lib/jobs/functions-env.ts) and the recorder (recorder/main.ts), plus direct `process.env.X` reads.
 * And it documents nothing that nobody reads (except those read by the Inngest SDK itself).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const read = (f: string) => fs.readFileSync(path.join(root, f), "utf8");
/** Set by the platform (Node, Next), not by operators. */
const PLATFORM = new Set(["NODE_ENV", "NEXT_PHASE"]);
/** Read by the inngest package, not by our code. */
const READ_BY_SDK = new Set(["INNGEST_EVENT_KEY", "INNGEST_SIGNING_KEY", "INNGEST_DEV"]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(tsx?|mjs)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) out.push(rel);
  }
  return out;
}

function schemaKeys(file: string): string[] {
  return [...read(file).matchAll(/^\s+([A-Z][A-Z0-9_]+): (?:z\s*\.|bool)/gm)].map((m) => m[1]);
}

const documented = new Set([...read(".env.example").matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
const schemaRead = ["lib/env.ts", "lib/jobs/server.ts", "lib/jobs/functions-env.ts", "recorder/main.ts"].flatMap(
  schemaKeys,
);
const directRead = ["lib", "recorder", "inngest", "app", "scripts"]
  .flatMap(sourceFiles)
  .flatMap((f) => [...read(f).matchAll(/process\.env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]));
const readByCode = new Set([...schemaRead, ...directRead].filter((k) => !PLATFORM.has(k)));

describe(".env.example", () => {
  it("finds the env schemas it checks", () => {
    expect(schemaKeys("lib/env.ts")).toEqual(
      expect.arrayContaining([
        "DATABASE_URL",
        "BETTER_AUTH_SECRET",
        "RECORDER_SECRET",
        "GROQ_API_KEY",
        "ALLOW_PRIVATE_SOURCES",
      ]),
    );
    expect(schemaKeys("recorder/main.ts")).toContain("RECORDER_PORT");
  });

  it("documents every variable read by lib/env.ts, the runner, the recorder and direct reads", () => {
    expect([...readByCode].filter((k) => !documented.has(k)).sort()).toEqual([]);
  });

  it("documents nothing that is not read", () => {
    expect([...documented].filter((k) => !readByCode.has(k) && !READ_BY_SDK.has(k)).sort()).toEqual([]);
  });
});
