import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { continuousRangeAt, storedSegments } from "./stored-range";

/** How much recording around the clip the trim editor shows (and lets the range grow into). */
const CONTEXT_SECONDS = 20;

/**
 * The trim editor's window (stream time): the stored recording around the user's clip, CONTEXT_SECONDS either
 * side, within the continuous run of stored segments the clip sits in. `stored` is false once retention has
 * purged that recording.
 */
export async function getClipWindow(userId: string, clipId: string) {
  const clip = await prisma.clip.findFirst({
    where: { id: clipId, userId },
    select: { sessionId: true, startTime: true, endTime: true },
  });
  if (!clip) throw new AppError("not_found", "Clip not found.");
  const run = continuousRangeAt(await storedSegments(clip.sessionId), (clip.startTime + clip.endTime) / 2);
  const start = Math.max(run?.start ?? clip.startTime, clip.startTime - CONTEXT_SECONDS);
  const end = Math.min(run?.end ?? clip.endTime, clip.endTime + CONTEXT_SECONDS);
  return { sessionId: clip.sessionId, window: { start, end }, stored: run !== null };
}
