/**
 * Production start-up refuses public or shared secrets (issue 21.4): `npm start` (scripts/serve.mjs) runs with
 * NODE_ENV=production even when the shell sets none, so lib/env.ts requires BETTER_AUTH_SECRET and
 * RECORDER_SECRET, distinct; CLIPSTREAM_ALLOW_DEV_SECRETS is a boolean ("false" is false); the recorder needs
 * only RECORDER_SECRET. Real processes, their exit codes and messages.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const AUTH = "auth-secret-for-production-test-0123";
const RECORDER = "recorder-secret-for-production-test-0123";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "prod-secrets-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

type TRun = { code: number | null; output: string };

/** Runs `args` with a clean production-like environment plus `extra`; stops it once `until` is printed. */
function run(args: string[], extra: Record<string, string | undefined>, until?: RegExp): Promise<TRun> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(NODE_ENV|BETTER_AUTH_SECRET|RECORDER_SECRET|CLIPSTREAM_ALLOW_DEV_SECRETS|VITEST.*)$/.test(k),
    ),
  );
  const env = { ...base, DATA_DIR: dataDir, ...extra } as unknown as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const onData = (b: Buffer) => {
      output += b.toString();
      if (until?.test(output)) child.kill("SIGTERM");
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code: number | null) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const web = (extra: Record<string, string | undefined>) =>
  run(["scripts/serve.mjs", "-p", "0", "-H", "127.0.0.1"], extra, /serving on|production build|\.next/);

describe("npm start (scripts/serve.mjs) in production", () => {
  it.each([
    {
      name: "no secrets, NODE_ENV unset",
      extra: {},
      message: "RECORDER_SECRET: required in production (and BETTER_AUTH_SECRET for the web app and the job runner)",
    },
    {
      name: "CLIPSTREAM_ALLOW_DEV_SECRETS=false",
      extra: { CLIPSTREAM_ALLOW_DEV_SECRETS: "false" },
      message: "RECORDER_SECRET: required in production (and BETTER_AUTH_SECRET for the web app and the job runner)",
    },
    {
      name: "NODE_ENV=development in the shell",
      extra: { NODE_ENV: "development", RECORDER_SECRET: RECORDER },
      message: "BETTER_AUTH_SECRET: required in production",
    },
    {
      name: "only RECORDER_SECRET",
      extra: { RECORDER_SECRET: RECORDER },
      message: "BETTER_AUTH_SECRET: required in production",
    },
    {
      name: "RECORDER_SECRET equal to BETTER_AUTH_SECRET",
      extra: { RECORDER_SECRET: AUTH, BETTER_AUTH_SECRET: AUTH },
      message: "RECORDER_SECRET: must differ from BETTER_AUTH_SECRET (the recorder must not hold the auth secret)",
    },
  ])("$name → exits 2 with a clear message", async ({ extra, message }) => {
    const r = await web(extra);
    expect(r.code).toBe(2);
    expect(r.output).toContain(`web: not starting. Invalid environment:\n  ${message}`);
  });

  it("CLIPSTREAM_ALLOW_DEV_SECRETS=true passes the check (it then needs a build: the secrets are no longer what stops it)", async () => {
    const r = await web({ CLIPSTREAM_ALLOW_DEV_SECRETS: "true" });
    expect(r.output).not.toContain("not starting");
    expect(r.output).toMatch(/serving on|production build/);
  });
});

describe("the recorder in production", () => {
  it("starts with RECORDER_SECRET alone (it never holds the auth secret)", async () => {
    const r = await run(
      ["--import", "tsx", "recorder/main.ts"],
      { NODE_ENV: "production", RECORDER_SECRET: RECORDER, RECORDER_PORT: "0" },
      /listening on/,
    );
    // `[recorder] <its fleet id> listening on …`
    expect(r.output).toMatch(/\[recorder\] rec-\S+ listening on http:\/\/127\.0\.0\.1:\d+/);
  });

  it("refuses to start without RECORDER_SECRET", async () => {
    const r = await run(["--import", "tsx", "recorder/main.ts"], { NODE_ENV: "production", RECORDER_PORT: "0" });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("RECORDER_SECRET: required in production");
  });
});
