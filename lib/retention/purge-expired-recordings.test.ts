import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "retention-"));
let mod: typeof import("./purge-expired-recordings");
let db: typeof import("@/lib/db");
let storage: typeof import("@/lib/storage");

beforeAll(async () => {
  vi.stubEnv("STORAGE_DIR", storageDir);
  vi.resetModules();
  mod = await import("./purge-expired-recordings");
  db = await import("@/lib/db");
  storage = await import("@/lib/storage");
});
afterAll(() => {
  vi.unstubAllEnvs();
  fs.rmSync(storageDir, { recursive: true, force: true });
});

describe("purgeExpiredRecordings", () => {
  it("deletes old raw recordings and transcripts, keeps clips and recent recordings, and is idempotent", async () => {
    const { prisma } = db;
    const { getStore, storageKeys } = storage;
    const store = getStore();
    const stamp = Date.now();
    const user = await prisma.user.create({
      data: { id: `ret-${stamp}`, name: "R", email: `ret-${stamp}@example.com`, retentionHours: 1 },
    });
    const streamer = await prisma.streamer.create({
      data: { userId: user.id, name: "S", kind: "URL", source: `https://example.com/${stamp}.m3u8`, monitored: false },
    });
    const session = await prisma.liveSession.create({
      data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 30, status: "ENDED" },
    });
    const now = new Date();
    const make = async (number: number, ageHours: number, status: "DONE" | "PROCESSING" = "DONE") => {
      const key = storageKeys.segment(session.id, number);
      await store.put(key, Buffer.alloc(1000, number));
      await store.put(storageKeys.segmentAudio(session.id, number), Buffer.from("wav"));
      await store.put(storageKeys.segmentSignals(session.id, number), Buffer.from("{}"));
      const seg = await prisma.segment.create({
        data: {
          userId: user.id,
          sessionId: session.id,
          number,
          startOffset: number * 30,
          duration: 30,
          storageKey: key,
          sizeBytes: 1000,
          status,
          recordedAt: new Date(now.getTime() - ageHours * 3600_000),
        },
      });
      await prisma.transcript.create({
        data: { segmentId: seg.id, userId: user.id, engine: "pocketsphinx", text: "hello", words: [] },
      });
      return seg;
    };
    const old = await make(0, 3);
    const busy = await make(1, 3, "PROCESSING");
    const recent = await make(2, 0.25);
    const clip = await prisma.clip.create({
      data: {
        userId: user.id,
        streamerId: streamer.id,
        sessionId: session.id,
        segmentId: old.id,
        detectionKey: "t0",
        startTime: 1,
        endTime: 16,
        title: "T",
        reason: "r",
        score: 80,
        engine: "offline",
        status: "READY",
        videoKey: storageKeys.clipVideo(`c-${stamp}`),
      },
    });
    await store.put(clip.videoKey!, Buffer.from("mp4"));

    const logged: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((m: string) => void logged.push(m));
    const first = await mod.purgeExpiredRecordings(now).finally(() => spy.mockRestore());
    expect(first.segments).toBeGreaterThanOrEqual(1);
    // What was removed is logged: per user, how many, which segments.
    expect(logged.filter((l) => l.includes(user.id))).toEqual([
      `[retention] user ${user.id}: removed 1 segment recording(s) (0.0 MB) recorded before ${new Date(now.getTime() - 3600_000).toISOString()} (retention 1 h): ${old.id}`,
    ]);
    const after = await prisma.segment.findUniqueOrThrow({ where: { id: old.id }, include: { transcript: true } });
    expect(after.deletedAt).not.toBeNull();
    expect(after.storageKey).toBeNull();
    expect(after.transcript).toBeNull();
    expect(await store.stat(storageKeys.segment(session.id, 0))).toBeNull();
    expect(await store.stat(storageKeys.segmentAudio(session.id, 0))).toBeNull();
    expect(await store.stat(storageKeys.segmentSignals(session.id, 0))).toBeNull();

    // Still being processed, or within the retention period: untouched.
    for (const s of [busy, recent]) {
      const row = await prisma.segment.findUniqueOrThrow({ where: { id: s.id }, include: { transcript: true } });
      expect(row.deletedAt).toBeNull();
      expect(row.transcript).not.toBeNull();
      expect(await store.stat(row.storageKey!)).toEqual({ size: 1000 });
    }
    // Clips and their renders are kept.
    expect(await prisma.clip.findUnique({ where: { id: clip.id } })).not.toBeNull();
    expect(await store.stat(clip.videoKey!)).toEqual({ size: 3 });

    const spy2 = vi.spyOn(console, "log").mockImplementation((m: string) => void logged.push(m));
    const again = await mod.purgeExpiredRecordings(now).finally(() => spy2.mockRestore());
    expect(logged.filter((l) => l.includes(user.id))).toHaveLength(1); // nothing more removed, nothing more logged
    const stillOld = await prisma.segment.count({ where: { userId: user.id, deletedAt: { not: null } } });
    expect(stillOld).toBe(1);
    expect(again.segments).toBe(0);
  });
});

describe("purgeExpiredRecordings: per-user retention and pending renders", () => {
  it("applies each owner's own retention, and keeps a session's segments while one of its clips is still rendering", async () => {
    const { prisma } = db;
    const { getStore, storageKeys } = storage;
    const store = getStore();
    const stamp = Date.now();
    const now = new Date();
    const setup = async (name: string, retentionHours: number) => {
      const user = await prisma.user.create({
        data: { id: `ret-${name}-${stamp}`, name, email: `ret-${name}-${stamp}@example.com`, retentionHours },
      });
      const streamer = await prisma.streamer.create({
        data: {
          userId: user.id,
          name,
          kind: "URL",
          source: `https://example.com/${name}-${stamp}.m3u8`,
          monitored: false,
        },
      });
      const session = await prisma.liveSession.create({
        data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 30, status: "ENDED" },
      });
      const key = storageKeys.segment(session.id, 0);
      await store.put(key, Buffer.alloc(10));
      const seg = await prisma.segment.create({
        data: {
          userId: user.id,
          sessionId: session.id,
          number: 0,
          startOffset: 0,
          duration: 30,
          storageKey: key,
          sizeBytes: 10,
          status: "DONE",
          recordedAt: new Date(now.getTime() - 10 * 3600_000),
        },
      });
      await prisma.transcript.create({
        data: { segmentId: seg.id, userId: user.id, engine: "pocketsphinx", text: "hi", words: [] },
      });
      return { user, streamer, session, seg, key };
    };
    // Same 10-hour-old segment: purged under a 2 h retention, kept under 24 h and 720 h.
    const short = await setup("short", 2);
    const day = await setup("day", 24);
    const month = await setup("month", 720);
    const rendering = await setup("rendering", 2);
    const clip = await prisma.clip.create({
      data: {
        userId: rendering.user.id,
        streamerId: rendering.streamer.id,
        sessionId: rendering.session.id,
        segmentId: rendering.seg.id,
        detectionKey: "t0",
        startTime: 1,
        endTime: 16,
        title: "T",
        reason: "r",
        score: 80,
        engine: "offline",
        status: "RENDERING",
      },
    });
    const state = async (x: { seg: { id: string }; key: string }) => {
      const row = await prisma.segment.findUniqueOrThrow({ where: { id: x.seg.id }, include: { transcript: true } });
      return { deleted: !!row.deletedAt, transcript: !!row.transcript, blob: !!(await store.stat(x.key)) };
    };
    const spy = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await mod.purgeExpiredRecordings(now);
      expect(await state(short)).toEqual({ deleted: true, transcript: false, blob: false });
      for (const kept of [day, month, rendering])
        expect(await state(kept)).toEqual({ deleted: false, transcript: true, blob: true });
      // Once the render is done, the next run removes the recording; the clip stays.
      await prisma.clip.update({ where: { id: clip.id }, data: { status: "READY" } });
      await mod.purgeExpiredRecordings(now);
      expect(await state(rendering)).toEqual({ deleted: true, transcript: false, blob: false });
      expect(await prisma.clip.findUnique({ where: { id: clip.id } })).not.toBeNull();
      // A day later the 24 h user's segment goes too; the 720 h user's still stays.
      await mod.purgeExpiredRecordings(new Date(now.getTime() + 24 * 3600_000));
      expect(await state(day)).toEqual({ deleted: true, transcript: false, blob: false });
      expect(await state(month)).toEqual({ deleted: false, transcript: true, blob: true });
    } finally {
      spy.mockRestore();
    }
  });
});

describe("purgeExpiredRecordings: leftover audio chunks", () => {
  it("deletes early-transcription chunks past retention (row and audio), keeps recent ones", async () => {
    const { prisma } = db;
    const { getStore, storageKeys } = storage;
    const store = getStore();
    const stamp = Date.now();
    const now = new Date();
    const user = await prisma.user.create({
      data: { id: `ret-chunks-${stamp}`, name: "C", email: `ret-chunks-${stamp}@example.com`, retentionHours: 2 },
    });
    const streamer = await prisma.streamer.create({
      data: {
        userId: user.id,
        name: "C",
        kind: "URL",
        source: `https://example.com/c-${stamp}.m3u8`,
        monitored: false,
      },
    });
    const session = await prisma.liveSession.create({
      data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 900, status: "FAILED" },
    });
    const make = async (index: number, ageHours: number) => {
      const storageKey = storageKeys.audioChunk(session.id, 0, index);
      await store.put(storageKey, Buffer.from("RIFF"));
      return prisma.audioChunk.create({
        data: {
          userId: user.id,
          sessionId: session.id,
          startOffset: index * 60,
          duration: 60,
          storageKey,
          status: "SKIPPED",
          createdAt: new Date(now.getTime() - ageHours * 3600_000),
        },
      });
    };
    const old = await make(0, 3);
    const recent = await make(1, 1);
    const logged: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((m: string) => void logged.push(m));
    const first = await mod.purgeExpiredRecordings(now).finally(() => spy.mockRestore());
    expect(first.chunks).toBeGreaterThanOrEqual(1);
    expect(logged.filter((l) => l.includes(user.id))).toEqual([
      `[retention] user ${user.id}: removed 1 leftover audio chunk(s) older than ${new Date(now.getTime() - 2 * 3600_000).toISOString()}`,
    ]);
    expect(await prisma.audioChunk.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await store.stat(old.storageKey)).toBeNull();
    expect(await prisma.audioChunk.findUnique({ where: { id: recent.id } })).not.toBeNull();
    expect(await store.stat(recent.storageKey)).toEqual({ size: 4 });
    const spy2 = vi.spyOn(console, "log").mockImplementation(() => {});
    const again = await mod.purgeExpiredRecordings(now).finally(() => spy2.mockRestore());
    expect(await prisma.audioChunk.count({ where: { sessionId: session.id } })).toBe(1);
    expect(again.segments).toBe(0);
  });
});

describe("purgeExpiredRecordings: never-processed segments and pending trims", () => {
  it("purges a READY segment past retention; keeps a session's segments while a trim of one of its clips is pending; storage lists only what is kept", async () => {
    const { prisma } = db;
    const { getStore, storageKeys } = storage;
    const store = getStore();
    const stamp = Date.now();
    const now = new Date();
    const user = await prisma.user.create({
      data: { id: `ret-rt-${stamp}`, name: "RT", email: `ret-rt-${stamp}@example.com`, retentionHours: 1 },
    });
    const streamer = await prisma.streamer.create({
      data: {
        userId: user.id,
        name: "RT",
        kind: "URL",
        source: `https://example.com/rt-${stamp}.m3u8`,
        monitored: false,
      },
    });
    const sessionOf = () =>
      prisma.liveSession.create({
        data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 30, status: "ENDED" },
      });
    const lost = await sessionOf();
    const trimming = await sessionOf();
    const segment = async (sessionId: string, status: "READY" | "DONE") => {
      const key = storageKeys.segment(sessionId, 0);
      await store.put(key, Buffer.alloc(10));
      await store.put(storageKeys.segmentAudio(sessionId, 0), Buffer.from("wav"));
      return prisma.segment.create({
        data: {
          userId: user.id,
          sessionId,
          number: 0,
          startOffset: 0,
          duration: 30,
          storageKey: key,
          sizeBytes: 10,
          status,
          recordedAt: new Date(now.getTime() - 3 * 3600_000),
        },
      });
    };
    await segment(lost.id, "READY");
    const kept = await segment(trimming.id, "DONE");
    await prisma.clip.create({
      data: {
        userId: user.id,
        streamerId: streamer.id,
        sessionId: trimming.id,
        segmentId: kept.id,
        detectionKey: `rt-${stamp}`,
        startTime: 1,
        endTime: 16,
        title: "T",
        reason: "r",
        score: 80,
        engine: "offline",
        status: "READY",
        trimStart: 2,
        trimEnd: 12,
      },
    });
    const spy = vi.spyOn(console, "log").mockImplementation(() => {});
    await mod.purgeExpiredRecordings(now).finally(() => spy.mockRestore());
    const listed = (sessionId: string) =>
      fs.existsSync(path.join(storageDir, "sessions", sessionId))
        ? fs
            .readdirSync(path.join(storageDir, "sessions", sessionId), { recursive: true, withFileTypes: true })
            .filter((e) => e.isFile())
            .map((e) => path.relative(path.join(storageDir, "sessions", sessionId), path.join(e.parentPath, e.name)))
            .sort()
        : [];
    expect(listed(lost.id)).toEqual([]);
    expect(listed(trimming.id)).toEqual(["audio/00000.wav", "segments/00000.ts"]);
    // Once the trim is done, the next run removes them.
    await prisma.clip.updateMany({ where: { sessionId: trimming.id }, data: { trimStart: null, trimEnd: null } });
    const spy2 = vi.spyOn(console, "log").mockImplementation(() => {});
    await mod.purgeExpiredRecordings(now).finally(() => spy2.mockRestore());
    expect(listed(trimming.id)).toEqual([]);
  });
});
