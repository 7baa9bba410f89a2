import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import type { TSegmentRecorded, TSessionEnded } from "@/lib/recorder/protocol";
import { inngest } from "@/inngest/client";
import { segmentReady, sessionEnded } from "@/inngest/events";

/**
 * A segment announced by the recorder becomes a READY row (unique on session + number, so a repeated
 * announcement is a no-op) and a `segment/recording.ready` event whose id is derived from the segment,
 * so Inngest deduplicates it too. Re-sending on a duplicate covers a crash between insert and send.
 */
export async function recordSegment(p: TSegmentRecorded): Promise<{ segmentId: string; duplicate: boolean }> {
  const session = await prisma.liveSession.findUnique({ where: { id: p.sessionId }, select: { id: true, userId: true } });
  if (!session) throw new AppError("not_found", "Unknown session.");
  const inserted = await prisma.segment.createMany({
    data: {
      userId: session.userId,
      sessionId: session.id,
      number: p.number,
      startOffset: p.startOffset,
      duration: p.duration,
      storageKey: p.storageKey,
      sizeBytes: p.sizeBytes,
      final: p.final,
      status: "READY",
    },
    skipDuplicates: true,
  });
  const segment = await prisma.segment.findUniqueOrThrow({
    where: { sessionId_number: { sessionId: session.id, number: p.number } },
    select: { id: true, status: true },
  });
  if (inserted.count === 1 || segment.status === "READY") {
    await inngest.send({
      id: `segment-ready-${segment.id}`,
      name: segmentReady.name,
      data: { segmentId: segment.id, sessionId: session.id, userId: session.userId },
    });
  }
  return { segmentId: segment.id, duplicate: inserted.count === 0 };
}

export async function endSession(p: TSessionEnded): Promise<void> {
  const session = await prisma.liveSession.findUnique({ where: { id: p.sessionId }, select: { id: true, userId: true, streamerId: true, status: true } });
  if (!session) throw new AppError("not_found", "Unknown session.");
  if (session.status === "RECORDING") {
    await prisma.$transaction([
      prisma.liveSession.update({
        where: { id: session.id },
        data: { status: p.reason === "failed" ? "FAILED" : "ENDED", endedAt: new Date(), endReason: p.message ?? p.reason },
      }),
      prisma.streamer.updateMany({
        where: { id: session.streamerId, status: "LIVE" },
        data: { status: p.reason === "failed" ? "ERROR" : "OFFLINE", lastError: p.reason === "failed" ? (p.message ?? "Recording failed") : null },
      }),
    ]);
  }
  await inngest.send({ id: `session-ended-${session.id}`, name: sessionEnded.name, data: { sessionId: session.id, userId: session.userId } });
}
