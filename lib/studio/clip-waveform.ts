import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { loudnessPeaks } from "./loudness";
import { continuousRangeAt, storedSegments } from "./stored-range";

/** How much recording around the clip the trim editor shows (and lets the range grow into). */
const CONTEXT_SECONDS = 20;

/**
 * The trim editor's timeline: a window of the stored recording around the clip (stream time), its
 * loudness peaks, and the clip's current and pending ranges.
 */
export async function getClipWaveform(userId: string, clipId: string) {
  const clip = await prisma.clip.findFirst({
    where: { id: clipId, userId },
    select: { sessionId: true, startTime: true, endTime: true, trimStart: true, trimEnd: true },
  });
  if (!clip) throw new AppError("not_found", "Clip not found.");
  const run = continuousRangeAt(await storedSegments(clip.sessionId), (clip.startTime + clip.endTime) / 2);
  const start = Math.max(run?.start ?? clip.startTime, clip.startTime - CONTEXT_SECONDS);
  const end = Math.min(run?.end ?? clip.endTime, clip.endTime + CONTEXT_SECONDS);
  const buckets = Math.max(1, Math.min(600, Math.round((end - start) * 5)));
  return {
    window: { start, end },
    stored: run !== null,
    peaks: await loudnessPeaks(clip.sessionId, start, end, buckets),
  };
}
