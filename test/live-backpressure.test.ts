/**
 * Backpressure on the live edge, on the real pipeline steps (PostgreSQL, local blob store, ffmpeg,
 * pocketsphinx, the offline detector): a generated stream's audio is cut into 5-s chunks that are all
 * announced at once, as when a loaded machine falls behind live. The chunks processed while the stream is
 * behind run cheap (loudness, silences, keyword spotting; no words), the excited passage still becomes a live
 * clip from loudness and keywords, a chunk arriving once the stream has caught up is decoded again, one a little
 * behind is decoded with the fast search, and the segment's own pass transcribes the cheap stretches
 * (catch-up) and adds no duplicate clip.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TWord } from "@/lib/transcribe";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "live-backpressure-"));
const CHUNK = 5;
const SECONDS = 40;
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.LIVE_DECODE = "auto";
  const { prisma } = await import("@/lib/db");
  const { getStore, storageKeys } = await import("@/lib/storage");
  const { makeSampleStream, extractAudio } = await import("@/lib/media");
  const { writeWavSlice } = await import("@/lib/media/wav");
  const samplePath = path.join(tmp, "sample.mp4");
  const sample = await makeSampleStream({ out: samplePath, seconds: SECONDS, excitedAt: 12 });
  const wav = path.join(tmp, "audio.wav");
  await extractAudio(samplePath, wav, { sampleRate: 16000 });
  const user = await prisma.user.create({
    data: { id: `u-bp-${Date.now()}`, name: "Backpressure", email: `bp-${Date.now()}@example.com` },
  });
  const streamer = await prisma.streamer.create({
    data: {
      userId: user.id,
      name: "Behind live",
      kind: "URL",
      source: "https://example.com/live.m3u8",
      segmentSeconds: 900,
      minClipSeconds: 8,
      maxClipSeconds: 20,
    },
  });
  const session = await prisma.liveSession.create({
    data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 900 },
  });
  /** Stores chunk `index` (stream seconds index*5 … +5) and announces it (the row the webhook would insert). */
  const announce = async (index: number) => {
    const file = path.join(tmp, `chunk-${index}.wav`);
    await writeWavSlice(wav, file, index * CHUNK, (index + 1) * CHUNK);
    const key = storageKeys.audioChunk(session.id, 0, index);
    await getStore().put(key, file, { contentType: "audio/wav" });
    return prisma.audioChunk.create({
      data: { userId: user.id, sessionId: session.id, startOffset: index * CHUNK, duration: CHUNK, storageKey: key },
    });
  };
  return { prisma, getStore, storageKeys, sample, samplePath, user, streamer, session, announce };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("live edge backpressure", () => {
  it("runs cheap signals while behind, still clips from loudness and keywords, and the segment transcribes later", async () => {
    const { prisma, sample, session, user, announce } = ctx;
    const { transcribeAudioChunk } = await import("@/lib/pipeline/early-audio");
    const { detectLive } = await import("@/lib/pipeline/live-detect");
    const { getLiveEdge } = await import("@/lib/pipeline/get-live-edge");

    // A backlog: the first six chunks (0–30 s) are announced before any is processed.
    const backlog = [];
    for (let i = 0; i < 6; i++) backlog.push(await announce(i));
    // They have waited 10 s for a worker, as a backlog does. (Left to this test's own timing, the last chunk's
    // wait was its predecessors' processing time, under 2 s on a fast machine, and it was decoded.)
    await prisma.audioChunk.updateMany({
      where: { id: { in: backlog.map((c) => c.id) } },
      data: { createdAt: new Date(Date.now() - 10_000) },
    });
    const before = await getLiveEdge(user.id, [session.id]);
    expect(before.get(session.id)).toMatchObject({ lagSeconds: 30, mode: "full", behind: true });

    const work = [];
    for (const c of backlog) {
      const w = await transcribeAudioChunk(c.id);
      await detectLive(c.id);
      work.push(w);
    }
    // 25 s of audio queued behind the first chunk: cheap from there on (hysteresis: it stays cheap until the
    // stream is back within 2 s of live, and these chunks waited longer than that for their turn).
    expect(work[0]).toMatchObject({ status: "done", mode: "cheap", words: 0 });
    expect(work[0].lagSeconds).toBeGreaterThanOrEqual(25);
    expect(work.every((w) => w.mode === "cheap")).toBe(true);
    const rows = await prisma.audioChunk.findMany({
      where: { sessionId: session.id },
      orderBy: { startOffset: "asc" },
    });
    for (const r of rows) {
      expect(r.status).toBe("DONE");
      expect(r.words).toBeNull();
      expect(r.engine).toBeNull();
      expect((r.signals as { mode: string }).mode).toBe("cheap");
      expect((r.signals as { loudness: unknown[] }).loudness.length).toBeGreaterThan(40);
    }
    // Keyword spotting ran on the cheap chunks: the excited passage's phrases were heard.
    const hits = rows.flatMap((r) => r.keywordHits as { phrase: string; t: number }[]);
    expect(hits.some((h) => h.t >= sample.excitedStart - 1 && h.t <= sample.excitedEnd + 1)).toBe(true);
    expect((await getLiveEdge(user.id, [session.id])).get(session.id)).toEqual({
      lagSeconds: 0,
      mode: "cheap",
      behind: true,
    });

    // The live clip of the excited passage, from loudness and keywords alone.
    const covering = {
      sessionId: session.id,
      startTime: { lte: sample.excitedStart + 1 },
      endTime: { gte: sample.excitedEnd - 1 },
    };
    const live = await prisma.clip.findFirstOrThrow({ where: covering });
    expect([live.origin, live.segmentId]).toEqual(["LIVE", null]);
    expect(live.reason).toMatch(/loud/i);

    // Caught up: a chunk processed as it arrives is decoded again.
    const fresh = await announce(6);
    const caughtUp = await transcribeAudioChunk(fresh.id);
    await detectLive(fresh.id);
    expect(caughtUp.mode).toBe("full");
    expect(caughtUp.lagSeconds).toBeLessThanOrEqual(2);
    const freshRow = await prisma.audioChunk.findUniqueOrThrow({ where: { id: fresh.id } });
    expect((freshRow.words as TWord[]).length).toBeGreaterThan(3);
    expect((await getLiveEdge(user.id, [session.id])).get(session.id)).toEqual({
      lagSeconds: 0,
      mode: "full",
      behind: false,
    });

    // A little behind (this chunk waited 6 s for a worker): decoded with the fast search, its words kept.
    const late = await announce(7);
    await prisma.audioChunk.update({ where: { id: late.id }, data: { createdAt: new Date(Date.now() - 6_000) } });
    const fast = await transcribeAudioChunk(late.id);
    await detectLive(late.id);
    expect(fast).toMatchObject({ status: "done", mode: "fast" });
    expect(fast.lagSeconds).toBeGreaterThanOrEqual(5);
    const lateRow = await prisma.audioChunk.findUniqueOrThrow({ where: { id: late.id } });
    expect((lateRow.signals as { mode: string }).mode).toBe("fast");
    expect(lateRow.engine).toBe("pocketsphinx");
    expect(Array.isArray(lateRow.words)).toBe(true);
    expect((await getLiveEdge(user.id, [session.id])).get(session.id)).toEqual({
      lagSeconds: 0,
      mode: "fast",
      behind: true,
    });

    // The segment closes (its recording stored): its pass decodes the cheap stretches itself.
    const { getStore, storageKeys, samplePath } = ctx;
    const key = storageKeys.segment(session.id, 0, "mp4");
    await getStore().put(key, samplePath, { contentType: "video/mp4" });
    const seg = await prisma.segment.create({
      data: {
        userId: user.id,
        sessionId: session.id,
        number: 0,
        startOffset: 0,
        duration: SECONDS,
        storageKey: key,
        final: true,
      },
    });
    const steps = await import("@/lib/pipeline/segment-steps");
    const { settleEarlyAudio } = await import("@/lib/pipeline/early-audio");
    await steps.beginSegment(seg.id);
    await steps.extractSegmentAudio(seg.id);
    await settleEarlyAudio(seg.id);
    const t = await steps.transcribeSegment(seg.id);
    await steps.analyseSegmentAudio(seg.id);
    // Only the two decoded chunks' words came from the live edge; the 30 cheap seconds were decoded now.
    expect(t.earlyWords).toBe((freshRow.words as TWord[]).length + (lateRow.words as TWord[]).length);
    const transcript = await prisma.transcript.findUniqueOrThrow({ where: { segmentId: seg.id } });
    const words = transcript.words as TWord[];
    for (const [a, b] of [
      [0, 5],
      [sample.excitedStart, sample.excitedEnd],
      [20, 30],
    ])
      expect(words.filter((w) => w.s >= a && w.s < b).length).toBeGreaterThan(2);
    // The segment's detection attaches the live clip rather than adding a second one.
    await steps.detectAtSessionEnd(seg.id);
    const clips = await prisma.clip.findMany({ where: covering });
    expect(clips.map((c) => c.id)).toEqual([live.id]);
    expect(clips[0].segmentId).toBe(seg.id);
  });
});
