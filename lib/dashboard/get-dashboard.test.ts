/** The dashboard's session list against real PostgreSQL: newest 10 sessions, counts, the last 24 segments. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { getDashboard } from "./get-dashboard";

const userId = `dash-${Date.now()}`;
let streamerId = "";
const t0 = Date.UTC(2026, 10, 20, 10, 0, 0, 250);

beforeAll(async () => {
  await prisma.user.create({ data: { id: userId, name: "Dash", email: `${userId}@example.com` } });
  const streamer = await prisma.streamer.create({
    data: { userId, name: "Dash streamer", kind: "URL", source: "https://93.184.215.14/d.m3u8", monitored: false },
  });
  streamerId = streamer.id;
  // 12 sessions an hour apart; the newest (s11) is still recording and has 30 segments and 3 clips.
  for (let i = 0; i < 12; i++) {
    await prisma.liveSession.create({
      data: {
        id: `${userId}-s${i}`,
        userId,
        streamerId,
        segmentSeconds: 60,
        status: i === 11 ? "RECORDING" : "ENDED",
        startedAt: new Date(t0 + i * 3600_000),
        endedAt: i === 11 ? null : new Date(t0 + i * 3600_000 + 1800_000),
        endReason: i === 11 ? null : "offline",
      },
    });
  }
  const live = `${userId}-s11`;
  await prisma.segment.createMany({
    data: Array.from({ length: 30 }, (_, n) => ({
      userId,
      sessionId: live,
      number: n,
      startOffset: n * 60,
      duration: 60,
      status:
        n === 29
          ? ("PROCESSING" as const)
          : n === 28
            ? ("ERROR" as const)
            : n === 27
              ? ("ERROR" as const)
              : ("DONE" as const),
      stage: n === 29 ? "transcribe" : null,
      progress: n === 29 ? 0.5 : 1,
      error: n === 27 ? "ffmpeg exited 1" : n === 5 ? "an old error on a segment that later succeeded" : null,
      deletedAt: n < 10 ? new Date(t0) : null,
    })),
  });
  await prisma.clip.createMany({
    data: [0, 1, 2].map((i) => ({
      userId,
      streamerId,
      sessionId: live,
      detectionKey: `k${i}`,
      startTime: i * 60,
      endTime: i * 60 + 20,
      title: `C${i}`,
      reason: "r",
      score: 50,
      engine: "offline",
    })),
  });
});

afterAll(async () => {
  await prisma.user.delete({ where: { id: userId } });
});

describe("getDashboard", () => {
  it("lists the 10 newest sessions with counts and their last 24 segments, oldest first", async () => {
    const d = await getDashboard(userId);
    expect(d.sessions.map((s) => s.id)).toEqual(Array.from({ length: 10 }, (_, i) => `${userId}-s${11 - i}`));
    const [live, ended] = d.sessions;
    expect(live).toMatchObject({
      streamer: { id: streamerId, name: "Dash streamer" },
      status: "RECORDING",
      startedAt: new Date(t0 + 11 * 3600_000).toISOString(),
      endedAt: null,
      endReason: null,
      segmentSeconds: 60,
      segmentCount: 30,
      clipCount: 3,
    });
    expect(ended).toMatchObject({
      status: "ENDED",
      endedAt: new Date(t0 + 10 * 3600_000 + 1800_000).toISOString(),
      endReason: "offline",
      segmentCount: 0,
      clipCount: 0,
      segments: [],
    });
    expect(live.segments.map((g) => g.number)).toEqual(Array.from({ length: 24 }, (_, i) => i + 6));
    expect(live.segments.at(-1)).toEqual({
      id: expect.any(String),
      number: 29,
      startOffset: 1740,
      duration: 60,
      status: "PROCESSING",
      stage: "transcribe",
      progress: 0.5,
      error: null,
      deleted: false,
    });
    // A failed segment shows its error (or a generic one); an old error on a segment that succeeded is not shown.
    expect(live.segments.find((g) => g.number === 28)?.error).toBe("Processing failed");
    expect(live.segments.find((g) => g.number === 27)?.error).toBe("ffmpeg exited 1");
    expect(live.segments.find((g) => g.number === 6)).toMatchObject({ deleted: true, error: null });
    expect(live.segments.find((g) => g.number === 10)?.deleted).toBe(false);
    expect(d.clips.map((c) => c.title).sort()).toEqual(["C0", "C1", "C2"]);
    expect(d.streamers.map((s) => s.id)).toEqual([streamerId]);
  });

  it("keeps each session's clip count through inserts, upserts, deletes and cascades", async () => {
    const count = async (id: string) =>
      (await prisma.liveSession.findUniqueOrThrow({ where: { id }, select: { clipCount: true } })).clipCount;
    const session = `${userId}-s3`;
    const clip = (k: string) => ({
      userId,
      streamerId,
      sessionId: session,
      detectionKey: k,
      startTime: 0,
      endTime: 10,
      title: k,
      reason: "r",
      score: 50,
      engine: "offline",
    });
    await prisma.clip.createMany({ data: ["a", "b", "c", "d"].map(clip) });
    expect(await count(session)).toBe(4);
    // The pipeline's upsert: a repeat of a known detection inserts nothing.
    await prisma.clip.upsert({
      where: { sessionId_detectionKey: { sessionId: session, detectionKey: "a" } },
      create: clip("a"),
      update: {},
    });
    await prisma.clip.upsert({
      where: { sessionId_detectionKey: { sessionId: session, detectionKey: "e" } },
      create: clip("e"),
      update: {},
    });
    expect(await count(session)).toBe(5);
    await prisma.clip.deleteMany({ where: { sessionId: session, detectionKey: { in: ["a", "b"] } } });
    await prisma.clip.update({
      where: { sessionId_detectionKey: { sessionId: session, detectionKey: "c" } },
      data: { review: "APPROVED" },
    });
    expect(await count(session)).toBe(3);
    expect(await count(`${userId}-s11`)).toBe(3);
    expect((await getDashboard(userId)).sessions.find((s) => s.id === session)?.clipCount).toBe(3);
    // Deleting the session takes its clips with it (the trigger finds no session row to update).
    await prisma.liveSession.delete({ where: { id: session } });
    expect(await prisma.clip.count({ where: { sessionId: session } })).toBe(0);
    expect(await count(`${userId}-s11`)).toBe(3);
  });
});

describe("getDashboard liveEdge", () => {
  it("says how far behind live a recording session's live edge is, and whether it transcribes later", async () => {
    const live = `${userId}-s11`;
    const edge = async () => (await getDashboard(userId)).sessions.find((s) => s.id === live)?.liveEdge;
    expect(await edge()).toBeNull();
    const chunk = (i: number, status: "DONE" | "PENDING" | "RUNNING", mode?: "full" | "cheap") => ({
      userId,
      sessionId: live,
      startOffset: 1800 + i * 5,
      duration: 5,
      storageKey: `${live}/chunk-${i}.wav`,
      status,
      signals: mode ? { loudness: [], silences: [], wordsPerSecond: 0, mode } : undefined,
    });
    // Two decoded chunks, then one running and three queued: 20 s of audio not processed yet.
    await prisma.audioChunk.createMany({
      data: [
        chunk(0, "DONE", "full"),
        chunk(1, "DONE", "cheap"),
        chunk(2, "RUNNING"),
        ...[3, 4, 5].map((i) => chunk(i, "PENDING")),
      ],
    });
    expect(await edge()).toEqual({ lagSeconds: 20, mode: "cheap", behind: true });
    // Ended sessions carry none.
    expect((await getDashboard(userId)).sessions.find((s) => s.id === `${userId}-s10`)?.liveEdge).toBeNull();
    await prisma.audioChunk.updateMany({ where: { sessionId: live }, data: { status: "DONE" } });
    expect(await edge()).toEqual({ lagSeconds: 0, mode: "full", behind: false });
  });
});
