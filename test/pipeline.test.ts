/**
 * The whole path on real parts: a generated stream (test video + espeak-ng speech with a loud, excited
 * passage at a known time) is found live by the streamer check, recorded in segments by the real recorder,
 * announced to the app's real webhook route with real signatures, and processed by the app's real Inngest
 * functions through the embedded runner, against real PostgreSQL, pocketsphinx and ffmpeg.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts } from "./app-server";
import { recorderRoutes, startAppWithRunner } from "./fixtures/app-with-runner";
import { waitFor, waitForFunctions } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pipeline-"));
const SEGMENT = 6;
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const [appPort, runnerPort, recorderPort] = await freePorts(3);
  process.env.RECORDER_URL = `http://127.0.0.1:${recorderPort}`;
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "pipeline-test-recorder-secret";

  const { prisma, server, runner } = await startAppWithRunner({ routes: await recorderRoutes(), appPort, runnerPort });
  await waitForFunctions();

  const user = await prisma.user.create({
    data: { id: `u-${Date.now()}`, name: "Pipeline", email: `pipeline-${Date.now()}@example.com` },
  });
  const streamer = await prisma.streamer.create({
    data: {
      userId: user.id,
      name: "Generated",
      kind: "URL",
      source: "file:///dev/null",
      segmentSeconds: SEGMENT,
      minClipSeconds: 8,
      maxClipSeconds: 20,
    },
  });
  const { makeSampleStream } = await import("@/lib/media/sample-stream");
  const samplePath = path.join(tmp, "sample.mp4");
  const sample = await makeSampleStream({ out: samplePath, seconds: 36, excitedAt: 16 });
  await prisma.streamer.update({ where: { id: streamer.id }, data: { source: `file://${samplePath}` } });

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

async function post(body: unknown, sign = true, mutate?: (s: string) => string) {
  const { signBody, SIGNATURE_HEADER } = await import("@/lib/signing");
  const text = JSON.stringify(body);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (sign) headers[SIGNATURE_HEADER] = signBody(process.env.RECORDER_SECRET!, text);
  return fetch(`${ctx.server.url}/api/webhooks/recorder`, {
    method: "POST",
    headers,
    body: mutate ? mutate(text) : text,
  });
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

describe("segment → clip pipeline", () => {
  const announced: {
    number: number;
    startOffset: number;
    duration: number;
    storageKey: string;
    sizeBytes: number;
    final: boolean;
  }[] = [];

  let sessionId = "";

  it("detects the stream live, records it, and turns its segments into a rendered clip covering the excited passage", async () => {
    const { prisma, sample, streamer, user } = ctx;
    const { getStore } = await import("@/lib/storage");
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    const check = await checkStreamer(streamer.id, user.id);
    expect(check.status).toBe("live");
    sessionId = check.sessionId!;
    // Overlapping checks never open a second session.
    expect(await checkStreamer(streamer.id, user.id)).toEqual({ status: "recording", sessionId });
    const session = { id: sessionId };
    await waitFor(
      async () => (await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } })).status === "ENDED",
      90_000,
      "the session to end",
    );
    // A file is a recording: recorded once, then no longer watched (it used to count as live for as long as it
    // existed, so every poll recorded it again); the streamer says why.
    const { FINITE_SOURCE_NOTE } = await import("@/lib/segments/recorder-events");
    expect(
      await prisma.streamer.findUniqueOrThrow({
        where: { id: streamer.id },
        select: { monitored: true, status: true, lastError: true },
      }),
    ).toEqual({ monitored: false, status: "OFFLINE", lastError: FINITE_SOURCE_NOTE });
    expect(await checkStreamer(streamer.id, user.id)).toEqual({ status: "skipped" });
    expect(await prisma.liveSession.count({ where: { streamerId: streamer.id } })).toBe(1);
    const rows = await prisma.segment.findMany({ where: { sessionId }, orderBy: { number: "asc" } });
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.map((r) => r.number)).toEqual(rows.map((_, i) => i));
    expect(Math.abs(rows.reduce((n, r) => n + r.duration, 0) - 36)).toBeLessThan(0.5);
    for (const r of rows)
      announced.push({
        number: r.number,
        startOffset: r.startOffset,
        duration: r.duration,
        storageKey: r.storageKey!,
        sizeBytes: r.sizeBytes!,
        final: r.final,
      });
    expect(announced.at(-1)!.final).toBe(true);

    const segments = await waitFor(
      async () => {
        const s = await prisma.segment.findMany({ where: { sessionId: session.id }, orderBy: { number: "asc" } });
        return s.length === rows.length && s.every((x) => x.status === "DONE" || x.status === "ERROR") ? s : null;
      },
      150_000,
      "every segment processed",
    );
    expect(segments.map((s) => [s.number, s.status, s.error])).toEqual(segments.map((s) => [s.number, "DONE", null]));
    const transcripts = await prisma.transcript.findMany({ where: { segment: { sessionId: session.id } } });
    expect(transcripts.length).toBe(rows.length);
    expect(transcripts.reduce((n, t) => n + (t.words as unknown[]).length, 0)).toBeGreaterThan(20);
    expect(new Set(transcripts.map((t) => `${t.engine}/${t.model}`))).toEqual(new Set(["pocketsphinx/en-us"]));

    const clip = await waitFor(
      // excitedStart/End bound the excited take including espeak-ng's own leading/trailing silence (< 1 s).
      () =>
        prisma.clip.findFirst({
          where: {
            sessionId: session.id,
            status: "READY",
            startTime: { lte: sample.excitedStart + 1 },
            endTime: { gte: sample.excitedEnd - 1 },
          },
        }),
      120_000,
      "a rendered clip covering the excited passage",
    );
    expect(clip.endTime - clip.startTime).toBeGreaterThanOrEqual(8 - 0.5);
    expect(clip.endTime - clip.startTime).toBeLessThanOrEqual(20 + 0.5);
    expect(clip.reason).toMatch(/loud/i);
    expect(clip.score).toBeGreaterThanOrEqual(ctx.streamer.minScore);

    // The rendered file plays and has the clip's length.
    const out = path.join(tmp, "clip.mp4");
    await getStore().download(clip.videoKey!, out);
    const probed = Number(
      execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", out]).toString(),
    );
    expect(Math.abs(probed - (clip.endTime - clip.startTime))).toBeLessThan(0.5);
    expect((await getStore().stat(clip.thumbKey!))?.size).toBeGreaterThan(1000);

    // The moment crosses a segment boundary and still became one clip.
    const clips = await prisma.clip.findMany({ where: { sessionId: session.id } });
    const overlapping = clips.filter((c) => c.startTime < sample.excitedEnd && c.endTime > sample.excitedStart);
    expect(overlapping).toHaveLength(1);
    // The clip page shows which engines made the clip and its transcript.
    const { getClip } = await import("@/lib/clips/clips");
    const dto = await getClip(ctx.user.id, clip.id);
    expect([dto.engine, dto.engineModel, dto.transcriptEngine]).toEqual([
      "offline",
      null,
      { engine: "pocketsphinx", model: "en-us" },
    ]);
    // Each processed segment left one line in the session's rolling summary (offline: top words + clip titles).
    const summary = (await prisma.liveSession.findUniqueOrThrow({ where: { id: session.id } })).contextSummary ?? "";
    expect(summary.split("\n").map((l) => Number(/^#(\d+) /.exec(l)?.[1]))).toEqual(segments.map((x) => x.number));
    const session2 = await prisma.liveSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(session2.status).toBe("ENDED");
  }, 300_000);

  it("re-detects a processed segment with new settings through the real function, replacing its unshared clip", async () => {
    const { prisma, sample, streamer, user } = ctx;
    const { inngest } = await import("@/inngest/client");
    const { prepareRedetect } = await import("@/lib/pipeline/redetect-segment");
    const old = await prisma.clip.findFirstOrThrow({
      where: { sessionId, startTime: { lte: sample.excitedStart + 1 }, endTime: { gte: sample.excitedEnd - 1 } },
    });
    await prisma.streamer.update({ where: { id: streamer.id }, data: { customPrompt: "shouting", minScore: 1 } });
    await inngest.send({ name: "segment/redetect.requested", data: await prepareRedetect(user.id, old.segmentId!) });
    const fresh = await waitFor(
      () =>
        prisma.clip.findFirst({
          where: {
            sessionId,
            status: "READY",
            id: { not: old.id },
            startTime: { lte: sample.excitedStart + 1 },
            endTime: { gte: sample.excitedEnd - 1 },
          },
        }),
      120_000,
      "a re-detected, rendered clip of the excited passage",
    );
    expect(await prisma.clip.findUnique({ where: { id: old.id } })).toBeNull();
    expect(fresh.segmentId).toBe(old.segmentId);
    const overlapping = await prisma.clip.count({
      where: { sessionId, startTime: { lt: sample.excitedEnd }, endTime: { gt: sample.excitedStart } },
    });
    expect(overlapping).toBe(1);
    expect((await prisma.segment.findUniqueOrThrow({ where: { id: old.segmentId! } })).status).toBe("DONE");
  }, 180_000);

  it("treats a repeated announcement as a no-op", async () => {
    const { prisma } = ctx;
    const session = { id: sessionId };
    const before = await prisma.segment.count({ where: { sessionId: session.id } });
    const runsBefore = await prisma.jobRun.count({ where: { functionId: "clipstream-process-segment" } });
    const res = await post({ type: "segment.recorded", sessionId: session.id, ...announced[1] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, duplicate: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(await prisma.segment.count({ where: { sessionId: session.id } })).toBe(before);
    expect(await prisma.jobRun.count({ where: { functionId: "clipstream-process-segment" } })).toBe(runsBefore);
  });

  it.each([
    ["no signature", false, undefined, "Invalid webhook signature (missing)."],
    [
      "body changed after signing",
      true,
      (s: string) => s.replace('"number":', '"number":1'),
      "Invalid webhook signature (mismatch).",
    ],
  ])("rejects a webhook with %s (401) and changes nothing", async (_n, sign, mutate, message) => {
    const { prisma } = ctx;
    const session = { id: sessionId };
    const before = await prisma.segment.count({ where: { sessionId: session.id } });
    const res = await post(
      { ...announced[0], type: "segment.recorded", sessionId: session.id, number: 99 },
      sign,
      mutate,
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "unauthorized", message } });
    expect(await prisma.segment.count({ where: { sessionId: session.id } })).toBe(before);
  });

  it("answers a well-signed but malformed or unknown announcement with a 4xx", async () => {
    const bad = await post({ type: "segment.recorded", sessionId, number: -1 });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.code).toBe("invalid_input");
    const unknown = await post({ ...announced[0], type: "segment.recorded", sessionId: "no-such-session" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: "not_found", message: "Unknown session." } });
  });

  it("transcribes live audio sent ahead of a long segment, and the segment takes those words instead of decoding them again", async () => {
    const { prisma, sample, streamer, user } = ctx;
    const samplePath = path.join(tmp, "sample.mp4");
    const { getStore, storageKeys } = await import("@/lib/storage");
    const { extractAudio } = await import("@/lib/media");
    const { writeWavSlice } = await import("@/lib/media/wav");
    const session = await prisma.liveSession.create({
      data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 36, status: "ENDED" },
    });
    const wav = path.join(tmp, "early.wav");
    await extractAudio(samplePath, wav, { sampleRate: 16000 });
    const chunk = async (index: number, from: number, to: number) => {
      const file = path.join(tmp, `early-${index}.wav`);
      await writeWavSlice(wav, file, from, to);
      const storageKey = storageKeys.audioChunk(session.id, 0, index);
      await getStore().put(storageKey, file);
      return { type: "audio.chunk", sessionId: session.id, startOffset: from, duration: to - from, storageKey };
    };
    // The recorder sends 0–12 s and 12–24 s while the segment records; the last 12 s come with the segment.
    const chunks = [await chunk(0, 0, 12), await chunk(1, 12, 24)];
    for (const c of chunks) {
      const res = await post(c);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, duplicate: false });
    }
    const done = await waitFor(
      async () => {
        const rows = await prisma.audioChunk.findMany({
          where: { sessionId: session.id },
          orderBy: { startOffset: "asc" },
        });
        return rows.length === 2 && rows.every((r) => r.status === "DONE") ? rows : null;
      },
      60_000,
      "both chunks transcribed by transcribe-audio-chunk",
    );
    const early = done.flatMap((r) => r.words as { w: string; s: number; e: number }[]);
    expect(early.length).toBeGreaterThan(10);
    // A resend is a no-op; a key outside this session's chunks, or an unknown session, is refused.
    const runs = await prisma.jobRun.count({ where: { functionId: "clipstream-transcribe-audio-chunk" } });
    expect(await (await post(chunks[0])).json()).toMatchObject({ ok: true, duplicate: true });
    const foreign = await post({ ...chunks[0], storageKey: `sessions/${sessionId}/segments/00000.ts` });
    expect(foreign.status).toBe(422);
    expect(await foreign.json()).toEqual({
      error: { code: "invalid_input", message: "storageKey is not an audio chunk key of this session." },
    });
    expect((await post({ ...chunks[0], sessionId: "no-such-session" })).status).toBe(404);
    expect(await prisma.jobRun.count({ where: { functionId: "clipstream-transcribe-audio-chunk" } })).toBe(runs);
    expect(await prisma.audioChunk.count({ where: { sessionId: session.id } })).toBe(2);

    const segKey = storageKeys.segment(session.id, 0, "mp4");
    await getStore().put(segKey, samplePath);
    const res = await post({
      type: "segment.recorded",
      sessionId: session.id,
      number: 0,
      startOffset: 0,
      duration: 36,
      storageKey: segKey,
      sizeBytes: fs.statSync(samplePath).size,
      final: true,
    });
    expect(res.status).toBe(200);
    const seg = await waitFor(
      () => prisma.segment.findFirst({ where: { sessionId: session.id, status: { in: ["DONE", "ERROR"] } } }),
      120_000,
      "the segment processed",
    );
    expect([seg.status, seg.error]).toEqual(["DONE", null]);
    const words = (await prisma.transcript.findUniqueOrThrow({ where: { segmentId: seg.id } })).words as {
      w: string;
      s: number;
    }[];
    // The chunks' words as they were, then the last 12 s decoded from the segment.
    expect(words.slice(0, early.length)).toEqual(early);
    expect(words.length).toBeGreaterThan(early.length);
    expect(words.slice(early.length).every((w) => w.s >= 24 - 0.5)).toBe(true);
    // The excited passage (16–24 s, in the chunks) still becomes the clip.
    await waitFor(
      () =>
        prisma.clip.findFirst({
          where: {
            sessionId: session.id,
            status: "READY",
            startTime: { lte: sample.excitedStart + 1 },
            endTime: { gte: sample.excitedEnd - 1 },
          },
        }),
      60_000,
      "the excited passage's clip",
    );
    // Consumed chunks are gone, audio included.
    expect(await prisma.audioChunk.count({ where: { sessionId: session.id } })).toBe(0);
    for (const c of chunks) expect(await getStore().stat(c.storageKey)).toBeNull();
  }, 180_000);

  it("retries a failing segment, then marks it ERROR with the reason, without touching other segments", async () => {
    const { prisma } = ctx;
    const doneBefore = await prisma.segment.count({ where: { sessionId, status: "DONE" } });
    // Announced, but its recording is not in storage: every attempt of the first step fails.
    const res = await post({
      type: "segment.recorded",
      sessionId,
      number: 90,
      startOffset: 900,
      duration: 6,
      storageKey: `sessions/${sessionId}/segments/missing.ts`,
      sizeBytes: 10,
      final: false,
    });
    expect(res.status).toBe(200);
    const failed = await waitFor(
      () => prisma.segment.findFirst({ where: { sessionId, number: 90, status: "ERROR" } }),
      60_000,
      "the segment to fail after its retries",
    );
    expect(failed.error).toBe("The recording of this segment is missing from storage.");
    // The run itself failed after its retries (3, as configured); only then did onFailure mark the segment.
    const run = await prisma.jobRun.findFirstOrThrow({
      where: {
        functionId: "clipstream-process-segment",
        eventId: { not: "" },
        event: { path: ["data", "segmentId"], equals: failed.id },
      },
    });
    expect(run.status).toBe("FAILED");
    expect(run.maxAttempts).toBe(4);
    expect(await prisma.segment.count({ where: { sessionId, status: "DONE" } })).toBe(doneBefore);
  }, 90_000);
});
