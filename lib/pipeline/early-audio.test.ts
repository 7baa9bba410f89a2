import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { transcriptQuality } from "@/bench/lib/wer";
import type { TSampleStream } from "@/lib/media";
import type { TWord } from "@/lib/transcribe";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "early-audio-"));
const storageDir = path.join(tmp, "blobs");
let early: typeof import("./early-audio");
let steps: typeof import("./segment-steps");
let db: typeof import("@/lib/db");
let storage: typeof import("@/lib/storage");
let wavMod: typeof import("@/lib/media/wav");
let info: TSampleStream;
let wav: string;
const SECONDS = 40;
/** Stream time of the segment: it is the session's second, so chunk and word times are offset. */
const OFFSET = 100;

beforeAll(async () => {
  vi.stubEnv("STORAGE_DIR", storageDir);
  vi.stubEnv("GROQ_API_KEY", "");
  vi.resetModules();
  early = await import("./early-audio");
  steps = await import("./segment-steps");
  db = await import("@/lib/db");
  storage = await import("@/lib/storage");
  wavMod = await import("@/lib/media/wav");
  const media = await import("@/lib/media");
  const sample = path.join(tmp, "sample.ts");
  info = await media.makeSampleStream({ out: sample, seconds: SECONDS, excitedAt: 24 });
  wav = path.join(tmp, "audio.wav");
  await media.extractAudio(sample, wav, { sampleRate: 16000 });
}, 120_000);

afterAll(() => {
  vi.unstubAllEnvs();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("uncovered", () => {
  it.each([
    { name: "nothing covered", covered: [], gaps: [{ start: 10, end: 20 }] },
    { name: "all covered by one chunk reaching past both ends", covered: [{ start: 5, end: 25 }], gaps: [] },
    {
      name: "a hole in the middle",
      covered: [
        { start: 10, end: 13 },
        { start: 16, end: 20 },
      ],
      gaps: [{ start: 13, end: 16 }],
    },
    {
      name: "the tail (last chunk still missing)",
      covered: [
        { start: 8, end: 12 },
        { start: 12, end: 18 },
      ],
      gaps: [{ start: 18, end: 20 }],
    },
    {
      name: "overlapping, unsorted chunks",
      covered: [
        { start: 14, end: 19 },
        { start: 10, end: 15 },
      ],
      gaps: [{ start: 19, end: 20 }],
    },
    {
      name: "slivers under 0.25 s are not worth a decoder run",
      covered: [
        { start: 10.1, end: 15 },
        { start: 15.2, end: 19.9 },
      ],
      gaps: [],
    },
    {
      name: "chunks outside the range",
      covered: [
        { start: 0, end: 9 },
        { start: 21, end: 30 },
      ],
      gaps: [{ start: 10, end: 20 }],
    },
  ])("$name", ({ covered, gaps }) => {
    expect(early.uncovered({ start: 10, end: 20 }, covered)).toEqual(gaps);
  });
});

async function seedSegment() {
  const { prisma } = db;
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const user = await prisma.user.create({ data: { id: `ea-${stamp}`, name: "E", email: `ea-${stamp}@example.com` } });
  const streamer = await prisma.streamer.create({
    data: { userId: user.id, name: "S", kind: "URL", source: `https://example.com/${stamp}.m3u8`, monitored: false },
  });
  const session = await prisma.liveSession.create({
    data: { userId: user.id, streamerId: streamer.id, segmentSeconds: SECONDS },
  });
  const seg = await prisma.segment.create({
    data: {
      userId: user.id,
      sessionId: session.id,
      number: 1,
      startOffset: OFFSET,
      duration: SECONDS,
      status: "PROCESSING",
      storageKey: storage.storageKeys.segment(session.id, 1),
    },
  });
  await storage.getStore().put(storage.storageKeys.segmentAudio(session.id, 1), wav);
  /** A chunk as the recorder sends it: a slice of the live audio, in storage, announced PENDING. */
  const chunk = async (index: number, from: number, to: number) => {
    const file = path.join(tmp, `${stamp}-${index}.wav`);
    await wavMod.writeWavSlice(wav, file, from, to);
    const key = storage.storageKeys.audioChunk(session.id, 0, index);
    await storage.getStore().put(key, file);
    return prisma.audioChunk.create({
      data: {
        userId: user.id,
        sessionId: session.id,
        startOffset: OFFSET + from,
        duration: to - from,
        storageKey: key,
      },
    });
  };
  return { user, streamer, session, seg, chunk };
}

describe("early transcription", () => {
  it("transcribes chunks ahead, and the segment decodes only what no chunk covered: same words, one decode of each stretch", async () => {
    const { prisma } = db;
    const { seg, chunk, session } = await seedSegment();
    // The recorder sent 0–15 s and 15–30 s ahead; 30–40 s arrived with the segment only.
    const a = await chunk(0, 0, 15);
    const b = await chunk(1, 15, 30);
    expect(await early.transcribeAudioChunk(a.id)).toMatchObject({ status: "done" });
    const doneA = await prisma.audioChunk.findUniqueOrThrow({ where: { id: a.id } });
    expect(doneA.status).toBe("DONE");
    expect(doneA.engine).toBe("pocketsphinx");
    const wordsA = doneA.words as TWord[];
    expect(wordsA.length).toBeGreaterThan(10);
    // Stream time: the chunk's place in the session, not in its file.
    expect(wordsA.every((w) => w.s >= OFFSET && w.e <= OFFSET + 15.1)).toBe(true);
    // Its audio is deleted once transcribed (the words live in the row).
    expect(await storage.getStore().stat(a.storageKey)).toBeNull();

    // The segment closes before chunk b started: the segment takes it over, and b's function then skips it.
    expect(await early.settleEarlyAudio(seg.id)).toEqual({ chunks: 1, coveredSeconds: 15 });
    expect((await prisma.audioChunk.findUniqueOrThrow({ where: { id: b.id } })).status).toBe("SKIPPED");
    expect(await early.transcribeAudioChunk(b.id)).toEqual({ status: "skipped", words: 0 });

    const t = await steps.transcribeSegment(seg.id);
    expect(t.earlyWords).toBe(wordsA.length);
    const transcript = await prisma.transcript.findUniqueOrThrow({ where: { segmentId: seg.id } });
    const words = transcript.words as TWord[];
    expect(transcript.engine).toBe("pocketsphinx");
    expect(transcript.text).toBe(words.map((w) => w.w).join(" "));
    // The chunk's words are used as they are; the rest was decoded from the segment, at stream times.
    expect(words.slice(0, wordsA.length)).toEqual(wordsA);
    expect(words.some((w) => w.s > OFFSET + 30)).toBe(true);
    for (let i = 1; i < words.length; i++) expect(words[i].s).toBeGreaterThanOrEqual(words[i - 1].s);
    // As good as decoding the whole segment: recognised words lie in the sentence that says them.
    const q = transcriptQuality(
      info.script,
      words.map((w) => ({ ...w, s: w.s - OFFSET, e: w.e - OFFSET })),
    );
    expect(q.correct).toBeGreaterThan(q.refWords / 2);
    expect(q.timedInLine).toBe(1);

    // Keyword hits: the chunk's (spotted when it was transcribed) plus the decoded stretches' own.
    const chunkHits = (doneA.keywordHits as { t: number }[]) ?? [];
    await steps.analyseSegmentAudio(seg.id);
    const signals = JSON.parse(
      fs.readFileSync(path.join(storageDir, storage.storageKeys.segmentSignals(session.id, 1)), "utf8"),
    ) as { keywordHits: { phrase: string; t: number }[] };
    for (const h of chunkHits) expect(signals.keywordHits).toContainEqual(h);
    const shouted = signals.keywordHits.filter(
      (h) => h.t >= OFFSET + info.excitedStart - 1 && h.t <= OFFSET + info.excitedEnd + 1,
    );
    expect(shouted.length).toBeGreaterThanOrEqual(1);

    // Done with the segment: its chunks and their audio are gone.
    await steps.finishSegment(seg.id);
    expect(await prisma.audioChunk.count({ where: { sessionId: session.id } })).toBe(0);
    expect(await storage.getStore().stat(b.storageKey)).toBeNull();
  }, 120_000);

  it("waits for a chunk being transcribed, and takes over one that does not finish in time", async () => {
    const { prisma } = db;
    const { seg, chunk } = await seedSegment();
    const running = await chunk(0, 0, 20);
    const stuck = await chunk(1, 20, 40);
    await prisma.audioChunk.updateMany({
      where: { id: { in: [running.id, stuck.id] } },
      data: { status: "RUNNING", claimedAt: new Date() },
    });
    // One finishes while the segment waits; the other never does.
    // (A Prisma query runs when awaited or then-ed.)
    const finishing = new Promise((r) => setTimeout(r, 300)).then(() =>
      prisma.audioChunk.update({
        where: { id: running.id },
        data: { status: "DONE", engine: "pocketsphinx", model: "en-us", words: [] },
      }),
    );
    const settled = await early.settleEarlyAudio(seg.id, { waitMs: 1500, pollMs: 50 });
    await finishing;
    expect(settled).toEqual({ chunks: 1, coveredSeconds: 20 });
    expect((await prisma.audioChunk.findUniqueOrThrow({ where: { id: stuck.id } })).status).toBe("SKIPPED");
    // The late worker finishing afterwards does not overwrite the takeover.
    expect(await early.transcribeAudioChunk(stuck.id)).toEqual({ status: "skipped", words: 0 });
    expect((await prisma.audioChunk.findUniqueOrThrow({ where: { id: stuck.id } })).status).toBe("SKIPPED");
  }, 60_000);

  it("decodes again, with the segment's search, live words of the fast search next to a clip", async () => {
    const { prisma } = db;
    const { seg, chunk, session, user, streamer } = await seedSegment();
    const a = await chunk(0, 0, 15);
    const b = await chunk(1, 15, 30);
    for (const c of [a, b]) expect(await early.transcribeAudioChunk(c.id)).toMatchObject({ status: "done" });
    const rows = await prisma.audioChunk.findMany({
      where: { id: { in: [a.id, b.id] } },
      orderBy: { startOffset: "asc" },
    });
    // LIVE_SEARCH defaults to the fast search, and the row says so.
    expect(rows.map((r) => (r.signals as { search?: string }).search)).toEqual(["fast", "fast"]);
    // Nothing clipped yet: both chunks' words stand.
    expect((await early.earlyWords(seg)).covered).toEqual([
      { start: OFFSET, end: OFFSET + 15 },
      { start: OFFSET + 15, end: OFFSET + 30 },
    ]);
    // A live clip over the shouted passage (24 s on): chunk b is within reach of it, chunk a (ends 15 s) is not.
    await prisma.clip.create({
      data: {
        userId: user.id,
        streamerId: streamer.id,
        sessionId: session.id,
        detectionKey: "live-1",
        startTime: OFFSET + 22,
        endTime: OFFSET + 32,
        title: "t",
        reason: "r",
        score: 80,
        engine: "offline",
        origin: "LIVE",
      },
    });
    const early2 = await early.earlyWords(seg);
    expect(early2.covered).toEqual([{ start: OFFSET, end: OFFSET + 15 }]);
    expect(early2.words).toEqual(rows[0].words);
    // So the segment decodes 15–40 s itself, with POCKETSPHINX_SEARCH (accurate by default).
    await early.settleEarlyAudio(seg.id);
    const t = await steps.transcribeSegment(seg.id);
    expect(t.earlyWords).toBe((rows[0].words as TWord[]).length);
    const transcript = await prisma.transcript.findUniqueOrThrow({ where: { segmentId: seg.id } });
    const inB = (transcript.words as TWord[]).filter((w) => w.s >= OFFSET + 15 && w.e <= OFFSET + 30);
    expect(inB.length).toBeGreaterThan(5);
  }, 120_000);

  it("does not reuse chunk words from another engine or keyword hits spotted with another keyword list", async () => {
    const { prisma } = db;
    const { seg, chunk } = await seedSegment();
    const c = await chunk(0, 0, 40);
    await prisma.audioChunk.update({
      where: { id: c.id },
      data: {
        status: "DONE",
        engine: "groq",
        model: "whisper-large-v3-turbo",
        words: [{ w: "stale", s: OFFSET + 1, e: OFFSET + 1.5 }],
        keywords: "wow",
        keywordHits: [{ phrase: "wow", t: OFFSET + 1 }],
      },
    });
    const words = await early.earlyWords(seg);
    expect(words).toEqual({ words: [], covered: [], language: undefined });
    const hits = await early.earlyKeywordHits(seg, ["oh my god"]);
    expect(hits).toEqual({ hits: [], covered: [] });
    expect((await early.earlyKeywordHits(seg, ["wow"])).hits).toEqual([{ phrase: "wow", t: OFFSET + 1 }]);
  });
});
