import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startFakeGroq } from "@/test/fixtures/fake-groq";

const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "redetect-"));
let mod: typeof import("./redetect-segment");
let db: typeof import("@/lib/db");
let storage: typeof import("@/lib/storage");
let http: typeof import("@/lib/http/errors");
let readJson: typeof import("@/lib/http/read-json");

beforeAll(async () => {
  vi.stubEnv("STORAGE_DIR", storageDir);
  vi.stubEnv("GROQ_API_KEY", "");
  vi.resetModules();
  mod = await import("./redetect-segment");
  db = await import("@/lib/db");
  storage = await import("@/lib/storage");
  http = await import("@/lib/http/errors");
  readJson = await import("@/lib/http/read-json");
});
afterAll(() => {
  vi.unstubAllEnvs();
  fs.rmSync(storageDir, { recursive: true, force: true });
});

/** A processed 60 s segment at stream time 60–120 with a shouted "oh my god no way" at 90 s. */
async function seed(status: "DONE" | "PROCESSING" = "DONE", withTranscript = true) {
  const { prisma } = db;
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const user = await prisma.user.create({ data: { id: `rd-${stamp}`, name: "R", email: `rd-${stamp}@example.com` } });
  const other = await prisma.user.create({ data: { id: `ro-${stamp}`, name: "O", email: `ro-${stamp}@example.com` } });
  const streamer = await prisma.streamer.create({
    data: {
      userId: user.id,
      name: "S",
      kind: "URL",
      source: `https://example.com/${stamp}.m3u8`,
      monitored: false,
      minClipSeconds: 10,
      maxClipSeconds: 20,
      minScore: 10,
    },
  });
  const session = await prisma.liveSession.create({
    data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 60, status: "ENDED" },
  });
  const seg = await prisma.segment.create({
    data: {
      userId: user.id,
      sessionId: session.id,
      number: 1,
      startOffset: 60,
      duration: 60,
      status,
      recordedAt: new Date(),
    },
  });
  const filler = Array.from({ length: 40 }, (_, i) => ({ w: "okay", s: 61 + i * 1.4, e: 61.3 + i * 1.4 })).filter(
    (w) => w.s < 88 || w.s > 96,
  );
  const shout = [
    { w: "oh", s: 90, e: 90.2 },
    { w: "my", s: 90.2, e: 90.4 },
    { w: "god", s: 90.4, e: 90.8 },
    { w: "no", s: 91, e: 91.2 },
    { w: "way", s: 91.2, e: 91.6 },
  ];
  if (withTranscript) {
    await prisma.transcript.create({
      data: {
        segmentId: seg.id,
        userId: user.id,
        engine: "pocketsphinx",
        text: "okay oh my god no way",
        words: [...filler, ...shout].sort((a, b) => a.s - b.s),
      },
    });
  }
  const loudness = Array.from({ length: 600 }, (_, i) => ({
    t: 60 + i * 0.1,
    lufs: 60 + i * 0.1 >= 89.5 && 60 + i * 0.1 <= 93 ? -12 : -30,
  }));
  const signals = {
    loudness,
    silences: [{ start: 86, end: 89.7 }],
    keywordHits: [
      { phrase: "oh my god", t: 90 },
      { phrase: "no way", t: 91 },
    ],
  };
  await storage.getStore().put(storage.storageKeys.segmentSignals(session.id, 1), Buffer.from(JSON.stringify(signals)));
  return { user, other, streamer, session, seg };
}

describe("redetectSegment", () => {
  it("replaces the segment's unshared clips (and their media), keeps shared ones, reuses the stored transcript", async () => {
    const { prisma } = db;
    const store = storage.getStore();
    const { user, streamer, session, seg } = await seed();
    const base = {
      userId: user.id,
      streamerId: streamer.id,
      sessionId: session.id,
      segmentId: seg.id,
      reason: "r",
      engine: "offline",
      status: "READY" as const,
    };
    const stale = await prisma.clip.create({
      data: {
        ...base,
        detectionKey: "t700",
        startTime: 70,
        endTime: 80,
        title: "Stale",
        score: 30,
        videoKey: `clips/stale-${seg.id}.mp4`,
      },
    });
    const shared = await prisma.clip.create({
      data: {
        ...base,
        detectionKey: "t1050",
        startTime: 105,
        endTime: 118,
        title: "Shared",
        score: 50,
        shareSlug: `s-${seg.id}`,
        sharedAt: new Date(),
      },
    });
    await store.put(stale.videoKey!, Buffer.from("mp4"));

    const ids = await mod.redetectSegment(seg.id, user.id);

    expect(await prisma.clip.findUnique({ where: { id: stale.id } })).toBeNull();
    expect(await store.stat(stale.videoKey!)).toBeNull();
    expect(await prisma.clip.findUnique({ where: { id: shared.id } })).not.toBeNull();
    const fresh = await prisma.clip.findMany({ where: { id: { in: ids } } });
    expect(fresh.length).toBeGreaterThanOrEqual(1);
    const shout = fresh.find((c) => c.startTime <= 90 && c.endTime >= 91.6);
    expect(shout).toMatchObject({ status: "PENDING", engine: "offline", segmentId: seg.id });
    for (const c of fresh) expect(Math.min(c.endTime, 118) - Math.max(c.startTime, 105)).toBeLessThanOrEqual(0);
    // The segment stays processed and the session summary is not extended twice.
    const after = await prisma.segment.findUniqueOrThrow({ where: { id: seg.id } });
    expect([after.status, after.stage]).toEqual(["DONE", null]);
    expect((await prisma.liveSession.findUniqueOrThrow({ where: { id: session.id } })).contextSummary).toBeNull();

    // Running it again replaces those new clips with the same moments.
    const again = await mod.redetectSegment(seg.id, user.id);
    const second = await prisma.clip.findMany({ where: { id: { in: again } }, orderBy: { startTime: "asc" } });
    expect(second.map((c) => [c.startTime, c.endTime])).toEqual(
      fresh.sort((a, b) => a.startTime - b.startTime).map((c) => [c.startTime, c.endTime]),
    );
  });
});

describe("redetectSegment keeps what the user kept", () => {
  it("reviewed, favourite, trimmed, captioned and exported clips stay; a failed detection replaces nothing", async () => {
    const { prisma } = db;
    const store = storage.getStore();
    const { user, streamer, session, seg } = await seed();
    const mk = (key: string, start: number, extra: object) =>
      prisma.clip.create({
        data: {
          userId: user.id,
          streamerId: streamer.id,
          sessionId: session.id,
          segmentId: seg.id,
          reason: "r",
          engine: "offline",
          status: "READY",
          detectionKey: key,
          startTime: start,
          endTime: start + 4,
          title: key,
          score: 30,
          videoKey: `clips/${key}-${seg.id}.mp4`,
          ...extra,
        },
      });
    const kept = [
      await mk("approved", 61, { review: "APPROVED", reviewedAt: new Date() }),
      await mk("rejected", 66, { review: "REJECTED", reviewedAt: new Date() }),
      await mk("favourite", 71, { favorite: true }),
      await mk("trimmed", 76, { trimStart: 76.5, trimEnd: 79 }),
      await mk("captioned", 81, { captions: [{ start: 0, end: 1, text: "mine" }] }),
      await mk("exported", 100, {}),
    ];
    await prisma.clipExport.create({
      data: { userId: user.id, clipId: kept[5].id, preset: "tiktok", layout: "blur", status: "READY" },
    });
    const plain = await mk("plain", 110, {});
    for (const c of [...kept, plain]) await store.put(c.videoKey!, Buffer.from("mp4"));

    // Detection fails (the LLM provider answers 500 to every attempt): nothing is replaced, no media deleted.
    const groq = await startFakeGroq(() => ({ status: 500, json: { error: { message: "down", type: "server" } } }));
    const { env } = await import("@/lib/env");
    Object.assign(env, { GROQ_API_KEY: "gsk_redetect_test_key", GROQ_BASE_URL: groq.baseURL });
    try {
      await expect(mod.redetectSegment(seg.id, user.id)).rejects.toThrow();
    } finally {
      Object.assign(env, { GROQ_API_KEY: "", GROQ_BASE_URL: undefined });
      await groq.close();
    }
    const all = async () =>
      (await prisma.clip.findMany({ where: { segmentId: seg.id }, select: { id: true } })).map((c) => c.id).sort();
    expect(await all()).toEqual([...kept, plain].map((c) => c.id).sort());
    expect(await store.stat(plain.videoKey!)).not.toBeNull();

    // Detection succeeds (offline): only the untouched clip is replaced; the kept ones and their media stay.
    const ids = await mod.redetectSegment(seg.id, user.id);
    expect(await prisma.clip.findUnique({ where: { id: plain.id } })).toBeNull();
    expect(await store.stat(plain.videoKey!)).toBeNull();
    for (const c of kept) {
      expect(await prisma.clip.findUnique({ where: { id: c.id }, select: { title: true } })).toEqual({
        title: c.title,
      });
      expect(await store.stat(c.videoKey!)).not.toBeNull();
    }
    expect(ids.length).toBeGreaterThanOrEqual(1);
    expect(await all()).toEqual([...kept.map((c) => c.id), ...ids].sort());
  });
});

describe("POST /api/segments/[id]/redetect input", () => {
  async function call(userId: string, id: string, body: string) {
    try {
      readJson.parseJson(body, mod.ZRedetectRequest);
      return { status: 202, json: await mod.prepareRedetect(userId, id) };
    } catch (err) {
      const res = http.handleApiError(err);
      return { status: res.status, json: await res.json() };
    }
  }

  it("accepts an empty body for the owner's processed segment", async () => {
    const { user, session, seg } = await seed();
    expect(await call(user.id, seg.id, "")).toEqual({
      status: 202,
      json: { segmentId: seg.id, sessionId: session.id, userId: user.id },
    });
  });

  it.each([
    ["malformed JSON", "{", "DONE", true, "owner", 400, "bad_request", "Request body is not valid JSON."],
    [
      "settings in the body",
      '{"minScore":5}',
      "DONE",
      true,
      "owner",
      422,
      "invalid_input",
      'Unrecognized key: "minScore"',
    ],
    ["another user's segment", "{}", "DONE", true, "other", 404, "not_found", "Segment not found."],
    ["unknown id", "{}", "DONE", true, "missing", 404, "not_found", "Segment not found."],
    [
      "a segment still processing",
      "{}",
      "PROCESSING",
      true,
      "owner",
      409,
      "conflict",
      "Only processed segments can be re-detected.",
    ],
    [
      "a segment whose transcript was purged",
      "{}",
      "DONE",
      false,
      "owner",
      409,
      "conflict",
      "The transcript of this segment was deleted after the retention period.",
    ],
  ] as const)("rejects %s", async (_n, body, status, withTranscript, who, code, errCode, message) => {
    const { user, other, seg } = await seed(status, withTranscript);
    const userId = who === "other" ? other.id : user.id;
    const id = who === "missing" ? "nope" : seg.id;
    expect(await call(userId, id, body)).toEqual({ status: code, json: { error: { code: errCode, message } } });
  });
});
