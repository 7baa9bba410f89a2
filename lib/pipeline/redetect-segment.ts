import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { getStore } from "@/lib/storage";
import { detectAgain } from "./segment-steps";

/** POST /api/segments/[id]/redetect takes no options: it uses the streamer's current clip settings. */
export const ZRedetectRequest = z.object({}).strict();

/** Checks that the owner's segment can be re-detected; returns what the redetect event carries. */
export async function prepareRedetect(userId: string, segmentId: string) {
  const seg = await prisma.segment.findFirst({
    where: { id: segmentId, userId },
    select: { id: true, sessionId: true, status: true, transcript: { select: { id: true } } },
  });
  if (!seg) throw new AppError("not_found", "Segment not found.");
  if (seg.status !== "DONE") throw new AppError("conflict", "Only processed segments can be re-detected.");
  if (!seg.transcript)
    throw new AppError("conflict", "The transcript of this segment was deleted after the retention period.");
  return { segmentId: seg.id, sessionId: seg.sessionId, userId };
}

/**
 * The segment's clips nobody has kept: a clip that was reviewed, made a favourite, trimmed (or has a trim
 * pending), given edited captions, exported or shared is the user's, and re-detect never replaces it.
 */
const untouched = {
  review: "PENDING",
  favorite: false,
  trimStart: null,
  captions: { equals: Prisma.DbNull },
  exports: { none: {} },
  shareSlug: null,
  sharedAt: null,
  reviewedAt: null,
} satisfies Prisma.ClipWhereInput;

/**
 * Re-runs detection on a processed segment with the stored transcript and signals (no re-transcription) and
 * the streamer's current settings. The segment's untouched clips are replaced, in the transaction that
 * inserts the new ones, so a detection that fails (provider down) leaves them all; their media is deleted
 * afterwards. Kept clips stay, and new candidates overlapping them are dropped. Returns the new clip ids.
 */
export async function redetectSegment(segmentId: string, userId: string): Promise<string[]> {
  const old = await prisma.clip.findMany({
    where: { segmentId, userId, ...untouched },
    select: { id: true, videoKey: true, thumbKey: true },
  });
  const ids = await detectAgain(
    segmentId,
    userId,
    old.map((c) => c.id),
  );
  await Promise.all(
    old
      .flatMap((c) => [c.videoKey, c.thumbKey])
      .filter((k): k is string => !!k)
      .map((k) => getStore().delete(k)),
  );
  return ids;
}
