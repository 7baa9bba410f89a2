/**
 * Fault: PostgreSQL restarts while segments are being processed. A dedicated embedded PostgreSQL (own data
 * dir and port) is stopped while a segment's transcription is in flight and started again; a segment
 * announced during the outage is refused with 5xx (the recorder's outbox retries it). Afterwards every
 * segment is processed exactly once: DONE, one transcript each, every run completed.
 * Real parts: the app's routes, the embedded runner, ffmpeg, PostgreSQL; Groq is a local server speaking
 * its wire format (slowed down so the restart lands mid-step).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type TEmbeddedDb } from "../scripts/lib/embedded-pg";
import { applyMigrations } from "../scripts/lib/migrate";
import { freePorts, loadApiRoutes } from "./app-server";
import { startAppWithRunner } from "./fixtures/app-with-runner";
import { helloThereTranscription, noHighlightsCompletion } from "./fixtures/fake-groq";
import { announceSegment, makeToneSegment, waitFor as poll, waitForFunctions } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "db-restart-"));
const PG_DIR = path.resolve(".data/pg-restart-test");
const PG_PORT = Number(process.env.DB_RESTART_PG_PORT ?? 4051);
let db: TEmbeddedDb;
let ctx: Awaited<ReturnType<typeof setup>>;
const slow = { transcribeMs: 0 };

async function answer(req: { url: string }) {
  if (req.url.endsWith("/audio/transcriptions")) return { json: helloThereTranscription() };

  return { json: noHighlightsCompletion() };
}

async function setup() {
  db = await startEmbeddedPostgres({ dir: PG_DIR, port: PG_PORT, database: "clipstream_restart" });
  await applyMigrations(db.url);
  process.env.DATABASE_URL = db.url;
  const transcribeStarted: number[] = [];
  // Like test/fixtures/fake-groq.ts, but able to hold a transcription answer back (that fixture answers at once).
  const http = await import("node:http");
  const server0 = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const rec = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) };
      if (rec.url.endsWith("/audio/transcriptions")) {
        transcribeStarted.push(Date.now());
        await new Promise((r) => setTimeout(r, slow.transcribeMs));
      }
      const a = await answer(rec);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(a.json));
    });
  });
  const [groqPort, appPort, runnerPort] = await freePorts(3);
  await new Promise<void>((r) => server0.listen(groqPort, "127.0.0.1", () => r()));
  process.env.GROQ_API_KEY = "gsk_db_restart_test_key_0123456789";
  process.env.GROQ_BASE_URL = `http://127.0.0.1:${groqPort}`;
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "db-restart-recorder-secret";

  const { prisma, server, runner } = await startAppWithRunner({
    routes: await loadApiRoutes(),
    appPort,
    runnerPort,
    runner: { pollMs: 250, leaseMs: 5000 },
    clearRuns: "all",
  });
  await waitForFunctions();

  const stamp = Date.now();
  const user = await prisma.user.create({ data: { id: `dbr-${stamp}`, name: "R", email: `dbr-${stamp}@example.com` } });
  const streamer = await prisma.streamer.create({
    data: {
      userId: user.id,
      name: "r",
      kind: "URL",
      source: "https://93.184.215.14/r.m3u8",
      monitored: false,
      minClipSeconds: 5,
      maxClipSeconds: 20,
    },
  });
  const session = await prisma.liveSession.create({
    data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 4 },
  });
  const media = makeToneSegment(path.join(tmp, "seg.ts"));
  return { prisma, server, runner, session, media, groqServer: server0, transcribeStarted };
}

beforeAll(async () => {
  ctx = await setup();
}, 180_000);

afterAll(async () => {
  await ctx?.runner.stop();
  await ctx?.server.close();
  await new Promise((r) => ctx?.groqServer.close(r));
  await db?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Like support's waitFor, but a failing check (the database is down) counts as "not yet". */
const waitFor = <T>(fn: () => Promise<T | null | undefined | false>, ms: number, what: string) =>
  poll(() => fn().catch(() => null), ms, what);
const announce = (number: number) => announceSegment(ctx.server.url, ctx.session.id, number, ctx.media);

describe("database restart mid-pipeline", () => {
  it("loses nothing: in-flight work resumes, announcements during the outage are retried, each segment is processed once", async () => {
    slow.transcribeMs = 4000;
    expect((await announce(0)).status).toBe(200);
    await waitFor(async () => ctx.transcribeStarted.length > 0, 60_000, "transcription of segment 0 to start");

    await db.stop();
    // Down: the recorder's announcement is refused with a 5xx (its outbox retries later), never a 2xx or 4xx.
    const during = await announce(1);
    expect(during.status).toBeGreaterThanOrEqual(500);
    await new Promise((r) => setTimeout(r, 3000));
    db = await startEmbeddedPostgres({ dir: PG_DIR, port: PG_PORT, database: "clipstream_restart" });
    slow.transcribeMs = 0;

    // The outbox's retry, now accepted.
    const retried = await waitFor(
      async () => ((await announce(1)).status === 200 ? true : null),
      60_000,
      "the announcement to be accepted again",
    );
    expect(retried).toBe(true);

    const segments = await waitFor(
      async () => {
        const s = await ctx.prisma.segment.findMany({
          where: { sessionId: ctx.session.id },
          orderBy: { number: "asc" },
        });
        return s.length === 2 && s.every((x) => x.status === "DONE" || x.status === "ERROR") ? s : null;
      },
      150_000,
      "both segments processed",
    );
    expect(segments.map((s) => [s.number, s.status, s.error])).toEqual([
      [0, "DONE", null],
      [1, "DONE", null],
    ]);
    expect(await ctx.prisma.transcript.count({ where: { segmentId: { in: segments.map((s) => s.id) } } })).toBe(2);
    // The run whose request died with the database was recovered (lease expiry) and completed; a segment's
    // last step lands just before its run is saved as completed.
    const runs = await waitFor(
      async () => {
        const r = await ctx.prisma.jobRun.findMany({ where: { functionId: "clipstream-process-segment" } });
        return r.length === 2 &&
          r.every((x) => x.status !== "RUNNING" && x.status !== "QUEUED" && x.status !== "SLEEPING")
          ? r
          : null;
      },
      60_000,
      "both runs to finish",
    );
    expect(runs.map((r) => r.status).sort()).toEqual(["COMPLETED", "COMPLETED"]);
  }, 300_000);
});
