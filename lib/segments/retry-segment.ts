import "server-only";
import { inngest } from "@/inngest/client";
import { segmentReady } from "@/inngest/events";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";

/**
 * POST /api/segments/[id]/retry: the owner's failed segment goes back to READY and is processed again. The
 * event id carries the attempt count, so each retry is a new run while a repeated send of one is not.
 */
export async function retrySegment(userId: string, segmentId: string): Promise<void> {
  const seg = await prisma.segment.findFirst({
    where: { id: segmentId, userId },
    select: { id: true, status: true, sessionId: true, attempts: true, deletedAt: true },
  });
  if (!seg) throw new AppError("not_found", "Segment not found.");
  if (seg.deletedAt)
    throw new AppError("conflict", "The recording of this segment was deleted after the retention period.");
  if (seg.status !== "ERROR") throw new AppError("conflict", "Only failed segments can be retried.");
  await prisma.segment.update({
    where: { id: seg.id },
    data: { status: "READY", error: null, stage: null, progress: 0 },
  });
  await inngest.send(
    segmentReady.create(
      { segmentId: seg.id, sessionId: seg.sessionId, userId },
      { id: `segment-retry-${seg.id}-${seg.attempts}` },
    ),
  );
}
