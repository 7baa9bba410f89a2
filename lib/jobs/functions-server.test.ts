/**
 * The functions server as it is deployed (`npm run functions`): lib/jobs/functions-server.ts and the embedded
 * runner (lib/jobs/server.ts) as child processes against the test database, with no web process at all. The
 * runner registers the app's real functions through it and runs one of them there; unsigned and oversized
 * calls are refused exactly as the web app's /api/inngest refuses them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts } from "@/test/app-server";
import { prisma } from "@/lib/db";
import { waitFor } from "@/test/support";

const children: ChildProcess[] = [];
let functionsUrl = "";
let runnerUrl = "";

/** `node [--conditions=react-server] --import tsx <entry>` until it prints `ready`. */
async function startProcess(entry: string, env: Record<string, string>, ready: string, conditions: string[] = []) {
  const child = spawn(process.execPath, [...conditions, "--import", "tsx", entry], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  await waitFor(async () => out.includes(ready) || child.exitCode !== null, 60_000, `${entry} to start`, 100);
  if (child.exitCode !== null) throw new Error(`${entry} exited ${child.exitCode}: ${out}`);
  return { child, output: () => out };
}

beforeAll(async () => {
  const [functionsPort, runnerPort] = await freePorts(2);
  functionsUrl = `http://127.0.0.1:${functionsPort}`;
  runnerUrl = `http://127.0.0.1:${runnerPort}`;
  delete process.env.INNGEST_SIGNING_KEY;
  process.env.INNGEST_DEV = runnerUrl;
  await prisma.jobApp.deleteMany({ where: { id: "clipstream" } });
  const env = {
    DATABASE_URL: process.env.DATABASE_URL!,
    INNGEST_DEV: runnerUrl,
    INNGEST_SIGNING_KEY: "",
    FUNCTIONS_PORT: String(functionsPort),
    INNGEST_RUNNER_PORT: String(runnerPort),
    INNGEST_SERVE_URL: `${functionsUrl}/api/inngest`,
    INNGEST_RUNNER_POLL_MS: "200",
  };
  await startProcess("lib/jobs/functions-server.ts", env, "listening on", ["--conditions=react-server"]);
  await startProcess("lib/jobs/server.ts", env, "listening on");
}, 120_000);

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    c.kill("SIGTERM");
    await new Promise((r) => c.once("exit", r));
  }
  await prisma.jobApp.deleteMany({ where: { id: "clipstream" } });
});

describe("functions server (npm run functions)", () => {
  it("answers /health", async () => {
    const res = await fetch(`${functionsUrl}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("registers the app's functions with the runner at its own URL and runs one, with no web process", async () => {
    await waitFor(
      async () => (await prisma.jobFunction.count({ where: { appId: "clipstream" } })) > 5,
      60_000,
      "the app's functions to register",
    );
    const app = await prisma.jobApp.findUniqueOrThrow({ where: { id: "clipstream" } });
    expect(app.url).toBe(`${functionsUrl}/api/inngest`);

    const stamp = randomUUID().slice(0, 8);
    const user = await prisma.user.create({
      data: { id: `fs-${stamp}`, name: "Functions", email: `functions-${stamp}@example.com` },
    });
    // An unwatched streamer: check-streamer's real code reads it from the database and skips it.
    const streamer = await prisma.streamer.create({
      data: { userId: user.id, name: "s", kind: "URL", source: "https://93.184.215.14/s.m3u8", monitored: false },
    });
    const { inngest } = await import("@/inngest/client");
    const { streamerCheck } = await import("@/inngest/events");
    const { ids } = await inngest.send(streamerCheck.create({ streamerId: streamer.id, userId: user.id }));
    const run = await waitFor(
      async () => {
        const r = await prisma.jobRun.findFirst({
          where: { eventId: ids[0], functionId: "clipstream-check-streamer" },
        });
        return r && (r.status === "COMPLETED" || r.status === "FAILED") ? r : null;
      },
      60_000,
      "the check-streamer run to finish",
    );
    expect(run).toMatchObject({ status: "COMPLETED", output: { status: "skipped" } });
  });

  it("refuses an unsigned call (401) and an oversized body (413) before any function code runs", async () => {
    const path = "/api/inngest?fnId=clipstream-check-streamer&stepId=step";
    const unsigned = await fetch(`${functionsUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event: { name: "streamer/check.requested", data: {} }, steps: {}, ctx: {} }),
    });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual({
      error: { code: "unauthorized", message: "Invalid runner signature (missing)." },
    });
    const introspect = await fetch(`${functionsUrl}/api/inngest`);
    expect(introspect.status).toBe(401);

    const { RUNNER_SIGNATURE_HEADER } = await import("./runner-auth");
    const { INNGEST_MAX_BODY_BYTES } = await import("./verify-runner-request");
    const tooLarge = "x".repeat(INNGEST_MAX_BODY_BYTES + 1);
    const declared = await fetch(`${functionsUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", [RUNNER_SIGNATURE_HEADER]: "t=1,n=x,v1=y" },
      body: tooLarge,
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({
      error: { code: "payload_too_large", message: `Request body is larger than ${INNGEST_MAX_BODY_BYTES} bytes.` },
    });
    // The same body streamed without a length: cut off once past the bound.
    const chunk = new TextEncoder().encode("x".repeat(1 << 20));
    let sent = 0;
    const streamed = await fetch(`${functionsUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", [RUNNER_SIGNATURE_HEADER]: "t=1,n=x,v1=y" },
      body: new ReadableStream({
        pull(c) {
          if (sent > INNGEST_MAX_BODY_BYTES) return c.close();
          sent += chunk.byteLength;
          c.enqueue(chunk);
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).error.code).toBe("payload_too_large");
  });

  it("answers 404 off its two paths, 405 for a method the SDK does not serve", async () => {
    const res = await fetch(`${functionsUrl}/api/clips`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "GET /api/clips" } });
    const del = await fetch(`${functionsUrl}/api/inngest`, { method: "DELETE" });
    expect(del.status).toBe(405);
    expect(await del.json()).toEqual({ error: { code: "bad_request", message: "DELETE /api/inngest" } });
  });
});
