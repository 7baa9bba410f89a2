/** Stuck segments (issue 21.7): PROCESSING without progress for an hour → ERROR with the reason; others untouched. */
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { failStuckSegments, STUCK_SEGMENT_ERROR } from "./fail-stuck-segments";

describe("failStuckSegments", () => {
  it("marks only segments PROCESSING with no change for an hour", async () => {
    const stamp = Date.now();
    const user = await prisma.user.create({
      data: { id: `stuck-${stamp}`, name: "Stuck", email: `stuck-${stamp}@example.com` },
    });
    const streamer = await prisma.streamer.create({
      data: { userId: user.id, name: "s", kind: "URL", source: "https://93.184.215.14/s.m3u8", monitored: false },
    });
    const session = await prisma.liveSession.create({
      data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 60, status: "ENDED" },
    });
    const make = (number: number, status: "PROCESSING" | "DONE" | "READY", minutesAgo: number) =>
      prisma.segment
        .create({
          data: { sessionId: session.id, userId: user.id, number, startOffset: number * 60, duration: 60, status },
        })
        .then(async (s) => {
          // Set behind Prisma's back: @updatedAt would stamp now.
          await prisma.$executeRaw`UPDATE "Segment" SET "updatedAt" = now() - make_interval(mins => ${minutesAgo}) WHERE id = ${s.id}`;
          return s.id;
        });
    const stuck = await make(0, "PROCESSING", 61);
    const busy = await make(1, "PROCESSING", 5);
    const done = await make(2, "DONE", 120);
    const waiting = await make(3, "READY", 120);
    expect(await failStuckSegments()).toBeGreaterThanOrEqual(1);
    const rows = await prisma.segment.findMany({
      where: { sessionId: session.id },
      orderBy: { number: "asc" },
      select: { id: true, status: true, error: true, stage: true },
    });
    expect(rows).toEqual([
      { id: stuck, status: "ERROR", error: STUCK_SEGMENT_ERROR, stage: null },
      { id: busy, status: "PROCESSING", error: null, stage: null },
      { id: done, status: "DONE", error: null, stage: null },
      { id: waiting, status: "READY", error: null, stage: null },
    ]);
    await prisma.user.delete({ where: { id: user.id } });
  });
});
