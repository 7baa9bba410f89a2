import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePorts } from "@/test/app-server";
import { recorderRoutes, startAppWithRunner } from "@/test/fixtures/app-with-runner";
import { spawnRecorder, type TRecorderProcess } from "@/test/fixtures/recorder-fleet";
import { postRecorderWebhook, waitFor as poll, waitForFunctions } from "@/test/support";
import { resolveDatabase } from "@/scripts/lib/database-url";
import { applyMigrations } from "@/scripts/lib/migrate";
import type { TScriptLine } from "@/lib/media/sample-stream";
import { progress } from "./stats";

// lib/env is read once, at first import: everything a benchmark process needs is set before that.
process.env.RECORDER_SECRET ??= "bench-recorder-secret-0123456789";

/** Everything benchmarks write lives here (samples are cached across runs). */
export const BENCH_DIR = path.resolve(".data/bench");

/**
 * Real PostgreSQL (embedded on EMBEDDED_PG_PORT unless DATABASE_URL), migrated, with `database` dropped
 * first when `fresh`. Sets DATABASE_URL for the app modules, which must be imported after this.
 */
export async function startBenchDb(database: string, fresh = false) {
  const admin = await resolveDatabase("postgres");
  const base = new URL(admin.url);
  if (fresh) {
    const pg = await import("pg");
    const client = new pg.default.Client({ connectionString: admin.url });
    await client.connect();
    await client.query(`drop database if exists "${database}" with (force)`);
    await client.query(`create database "${database}"`);
    await client.end();
  } else {
    await resolveDatabase(database);
  }
  base.pathname = `/${database}`;
  const url = process.env.DATABASE_URL ? process.env.DATABASE_URL : base.toString();
  await applyMigrations(url);
  process.env.DATABASE_URL = url;
  return { url, stop: admin.stop };
}

/** test/support's waitFor, polling every 100 ms by default (latency figures are read from it). */
export const waitFor = <T>(fn: () => Promise<T | null | undefined | false>, ms: number, what: string, everyMs = 100) =>
  poll(fn, ms, what, everyMs);

/**
 * A cached makeSampleStream output (mp4) and, when `ts`, its MPEG-TS copy (what the recorder stores);
 * 640x360 unless `size`.
 */
export async function sample(
  seconds: number,
  excitedAt: number,
  ts = false,
  size?: string,
): Promise<{ file: string; excitedStart: number; excitedEnd: number; script: TScriptLine[] }> {
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  const base = path.join(BENCH_DIR, `sample-${seconds}s-at${excitedAt}${size ? `-${size}` : ""}`);
  const meta = `${base}.json`;
  // Samples cached before the script was recorded are made again.
  if (!fs.existsSync(meta) || !JSON.parse(fs.readFileSync(meta, "utf8")).script) {
    fs.rmSync(`${base}.ts`, { force: true });
    progress(`generating a ${seconds}s sample stream…`);
    const { makeSampleStream } = await import("@/lib/media/sample-stream");
    const s = await makeSampleStream({ out: `${base}.mp4`, seconds, excitedAt, size });
    fs.writeFileSync(meta, JSON.stringify(s));
  }
  const s = JSON.parse(fs.readFileSync(meta, "utf8"));
  if (ts && !fs.existsSync(`${base}.ts`)) {
    execFileSync("ffmpeg", ["-v", "error", "-y", "-i", `${base}.mp4`, "-c", "copy", "-f", "mpegts", `${base}.ts`]);
  }
  return {
    file: ts ? `${base}.ts` : `${base}.mp4`,
    excitedStart: s.excitedStart,
    excitedEnd: s.excitedEnd,
    script: s.script,
  };
}

/**
 * The app's real webhook, session and Inngest routes on a loopback server, the embedded job runner
 * executing the real functions, and (optionally) the real recorder: the same wiring as test/pipeline.test.ts.
 * Call it before anything imports lib/env (e.g. sample()), so the app modules see these URLs.
 */
export async function startPipeline(opts: { recorder?: boolean | "process"; media?: boolean } = {}) {
  const [appPort, runnerPort, recorderPort] = await freePorts(3);
  const tmp = path.join(BENCH_DIR, `run-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  process.env.RECORDER_URL = `http://127.0.0.1:${recorderPort}`;
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.ALLOW_FILE_SOURCES = "1";
  process.env.ALLOW_PRIVATE_SOURCES = "1";
  const db = await startBenchDb("clipstream_bench");

  const { prisma } = await import("@/lib/db");
  // Sessions an interrupted benchmark left open would be resumed by the recorder and compete for the cores.
  await prisma.liveSession.updateMany({
    where: { status: "RECORDING" },
    data: { status: "ENDED", endedAt: new Date(), endReason: "bench_cleanup" },
  });
  const routes = await recorderRoutes();
  // Signed media URLs (`mediaUrl`), for benchmarks that fetch what they made.
  if (opts.media)
    routes["/api/media/[...key]"] = { GET: (await import("@/app/api/media/[...key]/route")).GET as never };
  const { server, runner } = await startAppWithRunner({ routes, appPort, runnerPort });
  await waitForFunctions(30_000);

  let recorder: Awaited<ReturnType<typeof import("@/recorder/server").startRecorder>> | null = null;
  let recorderProcess: TRecorderProcess | null = null;
  if (opts.recorder === "process") {
    // Its own process, as `npm run up` and the containers run it (recorder/main.ts, a fleet of one): its event
    // loop is not the app's and the functions'.
    recorderProcess = await spawnRecorder({
      id: "bench",
      dir: path.join(tmp, "spools"),
      appUrl: server.url,
      secret: process.env.RECORDER_SECRET!,
      storageDir: process.env.STORAGE_DIR!,
      capacity: 1000,
      env: { RECORDER_PORT: String(recorderPort), ALLOW_FILE_SOURCES: "1" },
    });
    // Its log, for a run that went wrong.
    const log = fs.createWriteStream(path.join(BENCH_DIR, "recorder.log"));
    recorderProcess.proc.stdout!.pipe(log);
    recorderProcess.proc.stderr!.pipe(log);
  } else if (opts.recorder) {
    const { startRecorder } = await import("@/recorder/server");
    const { createLocalStore } = await import("@/lib/storage/local-store");
    recorder = await startRecorder({
      port: recorderPort,
      appUrl: server.url,
      secret: process.env.RECORDER_SECRET!,
      spoolDir: path.join(tmp, "spool"),
      store: createLocalStore(process.env.STORAGE_DIR!),
      allowPrivateSources: true,
      log: () => {},
    });
  }
  const user = await prisma.user.create({
    data: { id: `bench-${Date.now()}`, name: "Bench", email: `bench-${Date.now()}@example.com` },
  });

  return {
    prisma,
    server,
    user,
    /** Signed POST to the app's recorder webhook, exactly as the recorder sends it. */
    async announce(body: unknown) {
      const res = await postRecorderWebhook(server.url, body);
      if (!res.ok) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    },
    async stop() {
      await recorder?.stop();
      if (recorderProcess) {
        recorderProcess.signal("SIGTERM");
        await Promise.race([recorderProcess.exited, new Promise((r) => setTimeout(r, 10_000))]);
        recorderProcess.signal("SIGKILL");
      }
      await runner.stop();
      await server.close();
      await prisma.$disconnect();
      await db.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
