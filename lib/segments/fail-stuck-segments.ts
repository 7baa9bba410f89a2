import "server-only";
import { prisma } from "@/lib/db";

/**
 * A PROCESSING segment whose status, stage or progress has not changed for this long is stuck: every stage of
 * a 15-minute segment finishes in minutes, and the pipeline records each one.
 */
export const STUCK_SEGMENT_MINUTES = 60;

export const STUCK_SEGMENT_ERROR = `Processing stopped without finishing (no progress for ${STUCK_SEGMENT_MINUTES} minutes). Retry to process it again.`;

/**
 * Marks stuck segments ERROR, so they show the reason and a Retry instead of PROCESSING forever: after a long
 * outage of the app, a run and its onFailure handler can both fail and leave the segment as it was. Returns how
 * many were marked. A run that is in fact still going sets PROCESSING again at its next stage.
 */
export async function failStuckSegments(now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - STUCK_SEGMENT_MINUTES * 60_000);
  const res = await prisma.segment.updateMany({
    where: { status: "PROCESSING", updatedAt: { lt: cutoff } },
    data: { status: "ERROR", stage: null, error: STUCK_SEGMENT_ERROR },
  });
  return res.count;
}
