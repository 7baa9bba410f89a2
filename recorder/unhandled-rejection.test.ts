/**
 * No unhandled rejection can crash the recorder (issue 19.2): the real `recorder/main.ts` process, with a
 * promise rejected and never handled inside it (a preload module that rejects one a moment after start), logs
 * it and keeps serving. Node's default for an unhandled rejection is to exit with code 1.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "unhandled-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("recorder process", () => {
  it("logs an unhandled rejection and keeps running", async () => {
    const preload = path.join(tmp, "reject-later.mjs");
    fs.writeFileSync(preload, 'setTimeout(() => { Promise.reject(new Error("stray rejection")); }, 2000);\n');
    const child = spawn(process.execPath, ["--import", "tsx", "--import", preload, "recorder/main.ts"], {
      cwd: path.resolve(__dirname, ".."),
      env: {
        ...process.env,
        NODE_ENV: "test",
        RECORDER_PORT: "0",
        APP_URL: "http://127.0.0.1:9",
        RECORDER_SECRET: "unhandled-test-secret-1234",
        RECORDER_DIR: path.join(tmp, "spool"),
        STORAGE_DIR: path.join(tmp, "blobs"),
        BLOB_READ_WRITE_TOKEN: "",
        S3_BUCKET: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    try {
      const end = Date.now() + 30_000;
      while (!/unhandled rejection \(kept running\)/.test(out)) {
        if (child.exitCode !== null) throw new Error(`recorder exited (${child.exitCode}): ${out}`);
        if (Date.now() > end) throw new Error(`no rejection logged: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(out).toMatch(/\[recorder\] unhandled rejection \(kept running\): Error: stray rejection/);
      await new Promise((r) => setTimeout(r, 1000));
      expect(child.exitCode).toBeNull();
      const url = /listening on (http:\/\/\S+)/.exec(out)![1];
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);
});
