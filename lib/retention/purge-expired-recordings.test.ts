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

describe("purgeExpiredRecordings: every blob kind", () => {
  it("leaves in storage exactly the clips, thumbnails, versions, exports and fresh caches, and what is within retention", async () => {
    const { prisma } = db;
    const { getStore, storageKeys } = storage;
    const { liveKeys } = await import("@/lib/live-edge/manifest");
    const { exportCaptionsKey } = await import("@/lib/studio/exports");
    const store = getStore();
    const stamp = Date.now();
    const now = new Date();
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);
    const user = await prisma.user.create({
      data: { id: `ret-all-${stamp}`, name: "A", email: `ret-all-${stamp}@example.com`, retentionHours: 1 },
    });
    const streamer = await prisma.streamer.create({
      data: {
        userId: user.id,
        name: "A",
        kind: "URL",
        source: `https://example.com/all-${stamp}.m3u8`,
        monitored: false,
      },
    });
    // `old` ended 3 h ago (retention 1 h); `fresh` is still within retention.
    const old = await prisma.liveSession.create({
      data: {
        userId: user.id,
        streamerId: streamer.id,
        segmentSeconds: 30,
        status: "ENDED",
        startedAt: hoursAgo(4),
        endedAt: hoursAgo(3),
      },
    });
    const fresh = await prisma.liveSession.create({
      data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 30, status: "ENDED", endedAt: hoursAgo(0.1) },
    });
    // `live` has recorded for 4 h and still records: its first segment is past retention, its second is not.
    const live = await prisma.liveSession.create({
      data: {
        userId: user.id,
        streamerId: streamer.id,
        segmentSeconds: 30,
        status: "RECORDING",
        startedAt: hoursAgo(4),
      },
    });
    const segment = async (sessionId: string, number: number, status: "READY" | "PROCESSING" | "DONE", age: number) => {
      const seg = await prisma.segment.create({
        data: {
          userId: user.id,
          sessionId,
          number,
          startOffset: number * 30,
          duration: 30,
          storageKey: storageKeys.segment(sessionId, number),
          sizeBytes: 4,
          status,
          recordedAt: hoursAgo(age),
        },
      });
      await prisma.transcript.create({
        data: { segmentId: seg.id, userId: user.id, engine: "pocketsphinx", text: "hi", words: [] },
      });
      return seg;
    };
    await segment(old.id, 0, "DONE", 3.5);
    const stuck = await segment(old.id, 1, "PROCESSING", 3.4);
    // Set behind Prisma's back (@updatedAt would stamp now): no progress for two hours.
    await prisma.$executeRaw`UPDATE "Segment" SET "updatedAt" = ${hoursAgo(2)} WHERE id = ${stuck.id}`;
    await segment(old.id, 2, "READY", 3.3);
    await segment(fresh.id, 0, "DONE", 0.2);
    const working = await segment(fresh.id, 1, "PROCESSING", 0.15);
    await segment(live.id, 0, "DONE", 3.9);
    await segment(live.id, 1, "DONE", 0.1);
    const chunk = storageKeys.audioChunk(old.id, 0, 0);
    await prisma.audioChunk.create({
      data: {
        userId: user.id,
        sessionId: old.id,
        startOffset: 0,
        duration: 5,
        storageKey: chunk,
        status: "SKIPPED",
        createdAt: hoursAgo(3.5),
      },
    });
    const clip = async (sessionId: string, n: number) =>
      prisma.clip.create({
        data: {
          userId: user.id,
          streamerId: streamer.id,
          sessionId,
          detectionKey: `all-${stamp}-${n}`,
          startTime: 10,
          endTime: 25,
          title: "T",
          reason: "r",
          score: 80,
          engine: "offline",
          status: "READY",
          videoKey: storageKeys.clipVideo(`all-${stamp}-${n}`),
        },
      });
    const oldClip = await clip(old.id, 0);
    const freshClip = await clip(fresh.id, 1);
    const liveClip = await clip(live.id, 2);
    const exportId = `exp-${stamp}`;

    // Every blob kind, where it is stored, its age in hours, and whether retention keeps it.
    const blobs: [kind: string, key: string, ageHours: number, kept: boolean][] = [
      ["segment (DONE)", storageKeys.segment(old.id, 0), 3.5, false],
      ["segment audio", storageKeys.segmentAudio(old.id, 0), 3.5, false],
      ["segment analysis", storageKeys.segmentSignals(old.id, 0), 3.5, false],
      ["segment stuck in PROCESSING", storageKeys.segment(old.id, 1), 3.4, false],
      ["its audio", storageKeys.segmentAudio(old.id, 1), 3.4, false],
      ["segment never processed (READY)", storageKeys.segment(old.id, 2), 3.3, false],
      ["audio chunk", chunk, 3.5, false],
      ["audio chunk never announced", storageKeys.audioChunk(old.id, 0, 1), 3.5, false],
      ["live part left by a dead recorder", liveKeys.part(old.id, 1), 3, false],
      ["live manifest", liveKeys.manifest(old.id), 3, false],
      ["segment uploaded, never announced", storageKeys.segment(old.id, 3), 3, false],
      ["preview proxy of a purged recording", storageKeys.clipPreviewProxy(oldClip.id, 0, 90_000, "mp4"), 0.5, false],
      ["its poster", storageKeys.clipPreviewProxy(oldClip.id, 0, 90_000, "jpg"), 0.5, false],
      ["clip", storageKeys.clipVideo(oldClip.id), 3, true],
      ["clip thumbnail", storageKeys.clipThumb(oldClip.id), 3, true],
      ["trimmed clip version", storageKeys.clipVideoVersion(oldClip.id, "t1"), 3, true],
      ["its thumbnail", storageKeys.clipThumbVersion(oldClip.id, "t1"), 3, true],
      ["export", storageKeys.exportVideo(exportId, "tiktok"), 3, true],
      ["export captions", exportCaptionsKey(exportId), 3, true],
      ["segment within retention", storageKeys.segment(fresh.id, 0), 0.2, true],
      ["its audio", storageKeys.segmentAudio(fresh.id, 0), 0.2, true],
      ["its analysis", storageKeys.segmentSignals(fresh.id, 0), 0.2, true],
      ["segment in the pipeline", storageKeys.segment(fresh.id, 1), 0.15, true],
      ["live part within retention", liveKeys.part(fresh.id, 9), 0.1, true],
      ["preview proxy, fresh", storageKeys.clipPreviewProxy(freshClip.id, 0, 60_000, "mp4"), 2, true],
      ["its poster", storageKeys.clipPreviewProxy(freshClip.id, 0, 60_000, "jpg"), 2, true],
      ["preview proxy over a day old", storageKeys.clipPreviewProxy(freshClip.id, 5000, 60_000, "mp4"), 25, false],
      ["its poster", storageKeys.clipPreviewProxy(freshClip.id, 5000, 60_000, "jpg"), 25, false],
      ["preview proxy of a deleted clip", storageKeys.clipPreviewProxy(`gone-${stamp}`, 0, 60_000, "mp4"), 1, false],
      ["clip of a recording within retention", storageKeys.clipVideo(freshClip.id), 0.1, true],
      ["segment of a recording session, past retention", storageKeys.segment(live.id, 0), 3.9, false],
      ["segment of a recording session, within retention", storageKeys.segment(live.id, 1), 0.1, true],
      ["live part of a recording session (the recorder's own)", liveKeys.part(live.id, 1), 3.9, true],
      ["preview proxy over a purged segment", storageKeys.clipPreviewProxy(liveClip.id, 0, 30_000, "mp4"), 0.5, false],
      ["preview proxy over kept segments", storageKeys.clipPreviewProxy(liveClip.id, 30_000, 60_000, "mp4"), 0.5, true],
    ];
    for (const [, key, age] of blobs) {
      await store.put(key, Buffer.from("blob"));
      fs.utimesSync(path.join(storageDir, key), hoursAgo(age), hoursAgo(age));
    }
    const ours = [old.id, fresh.id, live.id, oldClip.id, freshClip.id, liveClip.id, exportId, `gone-${stamp}`];
    const listed = async () =>
      (await store.list("")).map((b) => b.key).filter((k) => ours.some((id) => k.includes(id)));
    expect(await listed()).toEqual(blobs.map(([, key]) => key).sort());

    const spy = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      const result = await mod.purgeExpiredRecordings(now);
      const kept = blobs.filter(([, , , k]) => k).map(([, key]) => key);
      expect(await listed()).toEqual([...kept].sort());
      expect(result.leftovers).toBeGreaterThanOrEqual(4); // never-announced chunk and segment, live part, manifest
      expect(result.proxies).toBeGreaterThanOrEqual(5);
      // The rows agree: the old session's segments are purged (transcripts gone), its chunk rows too.
      const name = new Map([
        [old.id, "old"],
        [fresh.id, "fresh"],
        [live.id, "live"],
      ]);
      const rows = await prisma.segment.findMany({
        where: { sessionId: { in: [...name.keys()] } },
        include: { transcript: true },
      });
      expect(
        rows
          .map((r) => [name.get(r.sessionId), r.number, !!r.deletedAt, !!r.transcript])
          .sort((a, b) => (a < b ? -1 : 1)),
      ).toEqual([
        ["fresh", 0, false, true],
        ["fresh", 1, false, true],
        ["live", 0, true, false],
        ["live", 1, false, true],
        ["old", 0, true, false],
        ["old", 1, true, false],
        ["old", 2, true, false],
      ]);
      expect(await prisma.audioChunk.count({ where: { sessionId: old.id } })).toBe(0);
      expect(await prisma.segment.findUniqueOrThrow({ where: { id: working.id } })).toMatchObject({
        status: "PROCESSING",
      });
      // Idempotent: a second run removes nothing more.
      const again = await mod.purgeExpiredRecordings(now);
      expect(again).toMatchObject({ segments: 0, leftovers: 0 });
      expect(await listed()).toEqual([...kept].sort());
    } finally {
      spy.mockRestore();
    }
  });
});

describe("purgeExpiredRecordings: leftovers of a session that ended after its last segment's cutoff", () => {
  it("keeps them while the session's end is within retention, deletes them in a later run that purges nothing of it", async () => {
    const { prisma } = db;
    const { getStore, storageKeys } = storage;
    const { liveKeys } = await import("@/lib/live-edge/manifest");
    const store = getStore();
    const stamp = Date.now();
    const now = new Date();
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);
    const user = await prisma.user.create({
      data: { id: `ret-late-${stamp}`, name: "L", email: `ret-late-${stamp}@example.com`, retentionHours: 1 },
    });
    const streamer = await prisma.streamer.create({
      data: {
        userId: user.id,
        name: "L",
        kind: "URL",
        source: `https://example.com/l-${stamp}.m3u8`,
        monitored: false,
      },
    });
    // The last segment was stored 1.1 h ago (past the 1 h retention); the session ended 0.9 h ago.
    const session = await prisma.liveSession.create({
      data: {
        userId: user.id,
        streamerId: streamer.id,
        segmentSeconds: 30,
        status: "ENDED",
        startedAt: hoursAgo(1.2),
        endedAt: hoursAgo(0.9),
      },
    });
    const key = storageKeys.segment(session.id, 0);
    await prisma.segment.create({
      data: {
        userId: user.id,
        sessionId: session.id,
        number: 0,
        startOffset: 0,
        duration: 30,
        storageKey: key,
        status: "DONE",
        recordedAt: hoursAgo(1.1),
      },
    });
    const part = liveKeys.manifest(session.id);
    for (const k of [key, part]) {
      await store.put(k, Buffer.from("blob"));
      fs.utimesSync(path.join(storageDir, k), hoursAgo(0.95), hoursAgo(0.95));
    }
    const listed = async () => (await store.list(`sessions/${session.id}/`)).map((b) => b.key);
    const spy = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await mod.purgeExpiredRecordings(now);
      expect(await listed()).toEqual([part]); // the manifest was written after the cutoff
      expect(await prisma.segment.count({ where: { sessionId: session.id, deletedAt: null } })).toBe(0);
      // An hour later nothing of the session is left to purge, but its end is now past the cutoff.
      await mod.purgeExpiredRecordings(new Date(now.getTime() + 3600_000));
      expect(await listed()).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});
