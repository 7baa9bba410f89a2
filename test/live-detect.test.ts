/**
 * Detection on the live edge, on real parts: a generated stream (test video + espeak-ng speech with a loud,
 * excited passage) is recorded by the real recorder with the default 900-s segments, so no segment closes
 * while it plays; its 5-s audio chunks go through the app's real webhook and the real
 * `transcribe-audio-chunk` function (pocketsphinx, ebur128, silences, live detection) on the embedded runner
 * against real PostgreSQL. The excited passage's clip must exist before its segment closes, cover the
 * passage, stay one clip though the passage crosses a chunk boundary, and the closing segment must attach
 * it instead of adding a duplicate.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, startRouteServer } from "./app-server";
import { waitFor, waitForFunctions } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "live-detect-"));
const CHUNK = 5;
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const [appPort, runnerPort, recorderPort] = await freePorts(3);
  process.env.RECORDER_URL = `http://127.0.0.1:${recorderPort}`;
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "live-detect-test-recorder-secret";
  process.env.LIVE_CHUNK_SECONDS = String(CHUNK);

  const { prisma } = await import("@/lib/db");
  await prisma.jobRun.deleteMany({ where: { functionId: { startsWith: "clipstream-" } } });
  const webhook = await import("@/app/api/webhooks/recorder/route");
  const activeSessions = await import("@/app/api/recorder/sessions/route");
  const inngestRoute = await import("@/app/api/inngest/route");
  const server = await startRouteServer(
    {
      "/api/webhooks/recorder": { POST: webhook.POST as never },
      "/api/recorder/sessions": { GET: activeSessions.GET as never },
      "/api/inngest": {
        GET: inngestRoute.GET as never,
        POST: inngestRoute.POST as never,
        PUT: inngestRoute.PUT as never,
      },
    },
    appPort,
  );
  const { startRunner } = await import("@/lib/jobs/runner");
  const runner = await startRunner({
    port: runnerPort,
    serveUrl: `${server.url}/api/inngest`,
    backoffBaseMs: 200,
    syncIntervalMs: 0,
  });
  await waitForFunctions();

  const user = await prisma.user.create({
    data: { id: `u-live-${Date.now()}`, name: "Live", email: `live-${Date.now()}@example.com` },
  });
  const { makeSampleStream } = await import("@/lib/media/sample-stream");
  const samplePath = path.join(tmp, "sample.mp4");
  // The passage starts at 8 s, inside the chunk 5–10 s, and runs past 10 s: it crosses a chunk boundary. The
  // stream goes on long enough for the live edge to get there on a loaded 2-core machine before it ends.
  const sample = await makeSampleStream({ out: samplePath, seconds: 90, excitedAt: 8 });
  const streamer = await prisma.streamer.create({
    data: {
      userId: user.id,
      name: "Live edge",
      kind: "URL",
      source: `file://${samplePath}`,
      segmentSeconds: 900,
      minClipSeconds: 8,
      maxClipSeconds: 20,
    },
  });
  const { startRecorder } = await import("@/recorder/server");
  const { createLocalStore } = await import("@/lib/storage/local-store");
  const recorder = await startRecorder({
    port: recorderPort,
    appUrl: server.url,
    secret: process.env.RECORDER_SECRET!,
    spoolDir: path.join(tmp, "spool"),
    store: createLocalStore(process.env.STORAGE_DIR!),
    allowPrivateSources: true,
  });
  return { prisma, server, runner, recorder, user, streamer, sample };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  await ctx?.recorder.stop();
  await ctx?.runner.stop();
  await ctx?.server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("live edge detection", () => {
  it("clips an excited passage before its 900-s segment closes, once, and the closing segment attaches it", async () => {
    const { prisma, sample, streamer, user } = ctx;
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    const check = await checkStreamer(streamer.id, user.id);
    expect(check.status).toBe("live");
    const sessionId = check.sessionId!;
    const session = await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } });
    const chunkBoundary = Math.ceil(sample.excitedStart / CHUNK) * CHUNK;
    expect(chunkBoundary).toBeLessThan(sample.excitedEnd - 1);

    const covering = {
      sessionId,
      startTime: { lte: sample.excitedStart + 1 },
      endTime: { gte: sample.excitedEnd - 1 },
    };
    const live = await waitFor(() => prisma.clip.findFirst({ where: covering }), 150_000, "the live clip", 100);
    const foundAt = Date.now();
    // No segment exists yet: the stream is still recording its first 900-s segment.
    expect(await prisma.segment.count({ where: { sessionId } })).toBe(0);
    expect((await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe("RECORDING");
    expect([live.origin, live.segmentId]).toEqual(["LIVE", null]);
    expect(live.endTime - live.startTime).toBeGreaterThanOrEqual(8 - 0.5);
    expect(live.endTime - live.startTime).toBeLessThanOrEqual(20 + 0.5);
    expect(live.reason).toMatch(/loud/i);
    expect(live.excerpt.length).toBeGreaterThan(0);
    expect(live.detectionKey).toBe(`t${Math.round(live.startTime * 10)}`);

    // Captions come from the chunks' words while the segment is open.
    const { getCaptions } = await import("@/lib/studio/captions");
    const captions = await getCaptions(user.id, live.id);
    expect(captions.edited).toBe(false);
    expect(captions.cues.length).toBeGreaterThan(0);
    expect(captions.cues.every((c) => c.start >= 0 && c.end <= captions.duration + 0.01)).toBe(true);

    // Figures: the passage's end in media time → the clip row. Media time 0 is at latest the earliest
    // (chunk announced − its end); at earliest the session's start (the recorder starts after it).
    const chunks = await prisma.audioChunk.findMany({ where: { sessionId }, orderBy: { startOffset: "asc" } });
    const zeroLatest = Math.min(...chunks.map((c) => c.createdAt.getTime() - (c.startOffset + c.duration) * 1000));
    const zeroEarliest = session.startedAt.getTime();
    const passageEnd = (zero: number) => zero + sample.excitedEnd * 1000;
    const latency = {
      atLeastMs: live.createdAt.getTime() - passageEnd(zeroLatest),
      atMostMs: live.createdAt.getTime() - passageEnd(zeroEarliest),
    };

    // The stream ends: its only segment (90 s) closes, is processed, and the session is finalized.
    const segment = await waitFor(
      () => prisma.segment.findFirst({ where: { sessionId, status: { in: ["DONE", "ERROR"] } } }),
      150_000,
      "the segment processed",
    );
    expect([segment.status, segment.error]).toEqual(["DONE", null]);
    expect(segment.recordedAt.getTime()).toBeGreaterThan(live.createdAt.getTime());
    await waitFor(
      async () => (await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } })).status === "ENDED",
      60_000,
      "the session to end",
    );

    // One clip for the passage: the live one, now attached to its segment, rendered.
    const ready = await waitFor(
      async () => {
        const c = await prisma.clip.findUniqueOrThrow({ where: { id: live.id } });
        return c.status === "READY" || c.status === "ERROR" ? c : null;
      },
      90_000,
      "the live clip rendered",
    );
    expect([ready.status, ready.error]).toEqual(["READY", null]);
    expect([ready.origin, ready.segmentId]).toEqual(["LIVE", segment.id]);
    expect(ready.startTime).toBeLessThanOrEqual(sample.excitedStart + 1);
    expect(ready.endTime).toBeGreaterThanOrEqual(sample.excitedEnd - 1);
    const clips = await prisma.clip.findMany({ where: { sessionId } });
    const overlapping = clips.filter((c) => c.startTime < sample.excitedEnd && c.endTime > sample.excitedStart);
    expect(overlapping.map((c) => c.id)).toEqual([live.id]);
    expect(clips.filter((c) => c.segmentId === null)).toEqual([]);

    // Per-chunk cost: transcription + keyword spotting + signals (chunk step), live detection (its step).
    const runs = await prisma.jobRun.findMany({
      where: { functionId: "clipstream-transcribe-audio-chunk", status: "COMPLETED" },
      select: { output: true, startedAt: true, endedAt: true, event: true },
    });
    type TOut = {
      chunk: { ms?: { transcribe: number; keywords: number; signals: number } };
      live: { ms: number } | null;
    };
    const mine = runs.filter((r) => (r.event as { data: { sessionId: string } }).data.sessionId === sessionId);
    const costs = mine
      .map((r) => r.output as TOut)
      .filter((o) => o.chunk.ms && o.live)
      .map((o) => ({ ...o.chunk.ms!, detect: o.live!.ms }));
    expect(costs.length).toBeGreaterThanOrEqual(6);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const figures = {
      passageEnd: sample.excitedEnd,
      clipAfterPassageEndMs: latency,
      clipBeforeSegmentClosedMs: segment.recordedAt.getTime() - live.createdAt.getTime(),
      foundByPollMs: foundAt - live.createdAt.getTime(),
      chunks: costs.length,
      perChunkMedianMs: {
        transcribe: median(costs.map((c) => c.transcribe)),
        keywords: median(costs.map((c) => c.keywords)),
        signals: median(costs.map((c) => c.signals)),
        detect: median(costs.map((c) => c.detect)),
        runWall: median(mine.map((r) => (r.endedAt?.getTime() ?? 0) - (r.startedAt?.getTime() ?? 0))),
      },
    };
    console.log(`live-detect figures ${JSON.stringify(figures)}`);
  }, 420_000);
});
