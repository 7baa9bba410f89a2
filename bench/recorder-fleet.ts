import fs from "node:fs";
import path from "node:path";
import { freePorts } from "@/test/app-server";
import { recorderRoutes, startAppWithRunner } from "@/test/fixtures/app-with-runner";
import { spawnRecorder, startLiveHls, type TRecorderProcess } from "@/test/fixtures/recorder-fleet";
import { BENCH_DIR, sample, startBenchDb, waitFor } from "./lib/stack";
import { emit, machine, percentile, progress, round } from "./lib/stats";
import type { TBenchOptions } from "./run";

const SEGMENT_SECONDS = 4;
const SOURCE_SECONDS = 24;

/**
 * The recorder fleet (decision 025) with real recorder processes (`recorder/main.ts`) registered with the app's
 * real heartbeat and webhook routes over PostgreSQL; the job runner takes the events but the pipeline is not
 * served, so only recording is measured.
 * - `concurrent-recording-fleet`: N file sources read with -re, started through the app's assignment
 *   (lib/recorder/client.ts `startRecording`) on 2 recorder processes: how they are spread, and whether every
 *   session records its whole source in on-length segments.
 * - `recorder-takeover`: a live HLS source recorded by a 3-recorder fleet; 5 times kill -9 the owner (process
 *   group: the recorder and its ffmpeg) and time until the app reassigns it and until the new owner's first
 *   segment is stored. Lease TTL: RECORDER_LEASE_SECONDS (production default 30 s).
 */
export async function run(opts: TBenchOptions) {
  const dir = path.join(BENCH_DIR, `fleet-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const [appPort, runnerPort] = await freePorts(2);
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.RECORDER_URL = "http://127.0.0.1:9"; // nobody: every session goes through the fleet
  process.env.STORAGE_DIR = path.join(dir, "blobs");
  process.env.ALLOW_FILE_SOURCES = "1";
  process.env.ALLOW_PRIVATE_SOURCES = "1";
  const ttl = Number(process.env.RECORDER_LEASE_SECONDS ?? 30);
  await startBenchDb("clipstream_bench_fleet", true);
  const { server, runner, prisma } = await startAppWithRunner({
    routes: await recorderRoutes(false),
    appPort,
    runnerPort,
  });
  const user = await prisma.user.create({
    data: { id: `bench-fleet-${Date.now()}`, name: "Bench", email: `bench-fleet-${Date.now()}@example.com` },
  });
  const recorders: TRecorderProcess[] = [];
  const spawn = (id: string) =>
    spawnRecorder({
      id,
      dir: path.join(dir, "spools"),
      appUrl: server.url,
      secret: process.env.RECORDER_SECRET!,
      storageDir: process.env.STORAGE_DIR!,
      capacity: 200,
    });
  const { startRecording } = await import("@/lib/recorder/client");
  const { liveChunkSeconds } = await import("@/lib/recorder/client");

  async function openSession(source: string, name: string) {
    const streamer = await prisma.streamer.create({
      data: { userId: user.id, name, kind: "URL", source, monitored: false, segmentSeconds: SEGMENT_SECONDS },
    });
    const session = await prisma.liveSession.create({
      data: { userId: user.id, streamerId: streamer.id, segmentSeconds: SEGMENT_SECONDS },
    });
    await startRecording({
      sessionId: session.id,
      streamerId: streamer.id,
      source: { kind: "url", url: source },
      segmentSeconds: SEGMENT_SECONDS,
      audioChunkSeconds: liveChunkSeconds(),
    });
    return session.id;
  }

  const start = machine();
  try {
    // --- concurrent recording across 2 recorder processes ---
    for (const id of ["bench-a", "bench-b"]) recorders.push(await spawn(id));
    await waitFor(async () => (await prisma.recorder.count()) === 2, 30_000, "2 recorders registered");
    const s = await sample(SOURCE_SECONDS, 10);
    const max = opts.maxStreams ?? (opts.full ? 40 : 10);
    const steps = [...new Set([2, 10, 20, 40].filter((n) => n < max).concat(max))];
    const results: Record<string, unknown>[] = [];
    let maxPassing = 0;
    for (const n of steps) {
      progress(`concurrent-recording across 2 recorders: ${n} streams × ${SOURCE_SECONDS}s`);
      const t0 = performance.now();
      const ids = await Promise.all(Array.from({ length: n }, (_, i) => openSession(`file://${s.file}`, `c${n}-${i}`)));
      const owners = await prisma.liveSession.findMany({ where: { id: { in: ids } }, select: { recorderId: true } });
      const perRecorder = Object.fromEntries(
        recorders.map((r) => [r.id, owners.filter((o) => o.recorderId === r.id).length]),
      );
      await waitFor(
        async () => (await prisma.liveSession.count({ where: { id: { in: ids }, status: "RECORDING" } })) === 0,
        SOURCE_SECONDS * 1000 + 120_000,
        `${n} sessions to end`,
        250,
      );
      const wall = (performance.now() - t0) / 1000;
      const segs = await prisma.segment.findMany({
        where: { sessionId: { in: ids } },
        select: { sessionId: true, duration: true, final: true },
      });
      const failed = await prisma.liveSession.count({ where: { id: { in: ids }, status: "FAILED" } });
      const errs = segs
        .filter((g) => !g.final)
        .map((g) => (100 * Math.abs(g.duration - SEGMENT_SECONDS)) / SEGMENT_SECONDS);
      const totals = ids.map((id) => segs.filter((g) => g.sessionId === id).reduce((x, g) => x + g.duration, 0));
      const maxErr = errs.length ? Math.max(...errs) : 100;
      const balanced = Math.abs(perRecorder["bench-a"] - perRecorder["bench-b"]) <= 1;
      const ok = failed === 0 && maxErr <= 1 && balanced && totals.every((t) => Math.abs(t - SOURCE_SECONDS) < 0.5);
      results.push({
        streams: n,
        ok,
        perRecorder,
        segments: segs.length,
        maxDurationErrorPct: round(maxErr, 3),
        minRecordedSeconds: round(Math.min(...totals)),
        failedSessions: failed,
        wallSeconds: round(wall, 1),
      });
      if (!ok) break;
      maxPassing = n;
    }
    emit({
      name: "concurrent-recording-fleet",
      inputs: {
        recorders: 2,
        segmentSeconds: SEGMENT_SECONDS,
        sourceSeconds: SOURCE_SECONDS,
        source: "file with -re (640x360 15 fps h264 + aac)",
        maxTried: max,
      },
      runs: results.length,
      median: maxPassing,
      p95: maxPassing,
      unit: "streams (max passing N)",
      ...start,
      steps: results,
      loadavgEnd: machine().loadavg,
    });

    // --- takeover time over 5 kills ---
    recorders.push(await spawn("bench-c"));
    await waitFor(async () => (await prisma.recorder.count()) === 3, 30_000, "3 recorders registered");
    const hls = await startLiveHls(path.join(dir, "hls"));
    const kills = opts.runs ?? 5;
    const reassigned: number[] = [];
    const firstSegment: number[] = [];
    try {
      const sessionId = await openSession(hls.url, "takeover");
      await waitFor(async () => (await prisma.segment.count({ where: { sessionId } })) >= 1, 60_000, "a segment");
      for (let k = 0; k < kills; k++) {
        const before = await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } });
        const owner = recorders.find((r) => r.id === before.recorderId)!;
        progress(`takeover ${k + 1}/${kills}: kill -9 ${owner.id} (epoch ${before.leaseEpoch}, TTL ${ttl}s)`);
        const killedAt = Date.now();
        owner.signal("SIGKILL");
        await owner.exited;
        const after = await waitFor(
          async () => {
            const s2 = await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } });
            return s2.recorderId !== owner.id ? s2 : null;
          },
          (ttl * 2 + 30) * 1000,
          "reassignment",
        );
        reassigned.push((Date.now() - killedAt) / 1000);
        const seg = await waitFor(
          () =>
            prisma.segment.findFirst({
              where: { sessionId, storageKey: { contains: `-e${after.leaseEpoch}-` } },
              orderBy: { number: "asc" },
            }),
          120_000,
          "the new owner's first segment",
        );
        firstSegment.push((seg.recordedAt.getTime() - killedAt) / 1000);
        // The killed machine comes back (empty spool: a new recorder), so the fleet keeps 3.
        recorders.splice(recorders.indexOf(owner), 1);
        recorders.push(await spawn(`${owner.id.replace(/-\d+$/, "")}-${k + 1}`));
      }
    } finally {
      await hls.stop();
    }
    const { takeoverBoundSeconds } = await import("@/lib/recorder/lease");
    emit({
      name: "recorder-takeover",
      inputs: {
        recorders: 3,
        leaseTtlSeconds: ttl,
        segmentSeconds: SEGMENT_SECONDS,
        kills,
        source: "live HLS (1 s parts)",
      },
      runs: firstSegment.length,
      median: round(percentile(firstSegment, 50), 1),
      p95: round(percentile(firstSegment, 95), 1),
      unit: "s (kill -9 → new owner's first stored segment)",
      ...start,
      target: `reassigned ≤ ${takeoverBoundSeconds(ttl)} s (TTL + one heartbeat); ≤ 60 s at the production TTL`,
      reassignedMedian: round(percentile(reassigned, 50), 1),
      reassignedP95: round(percentile(reassigned, 95), 1),
      reassigned: reassigned.map((x) => round(x, 1)),
      firstSegment: firstSegment.map((x) => round(x, 1)),
      loadavgEnd: machine().loadavg,
    });
  } finally {
    for (const r of recorders) r.signal("SIGKILL");
    await prisma.recorder.deleteMany({});
    await runner.stop();
    await server.close();
    await prisma.$disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
