import "server-only";
import { prisma } from "@/lib/db";
import type { BlobStore } from "@/lib/storage";

/** Sessions that stopped this recently before the cutoff are looked at even if nothing of theirs was purged
 * in this run: two runs of the hourly cron. */
const RECHECK_HOURS = 2;

/**
 * Deletes what is still stored under `sessions/<id>/` of a user's sessions whose recording is gone: the session
 * stopped before `cutoff`, is no longer recording, and retention removed every one of its segments. What is left
 * there has no row that would ever delete it: live-edge parts and their manifest a recorder died before deleting,
 * a segment or audio chunk uploaded whose announcement never arrived. Only blobs written before `cutoff` go.
 * A session is looked at in the run that purged something of it (`touched`), and in the runs of the
 * RECHECK_HOURS after it stopped before the cutoff (its last segment can pass the cutoff a little before the
 * session's end does). The session's audio chunk rows go too. Returns how many blobs were deleted.
 */
export async function purgeSessionLeftovers(
  store: BlobStore,
  userId: string,
  touched: string[],
  cutoff: Date,
): Promise<number> {
  const recheckFrom = new Date(cutoff.getTime() - RECHECK_HOURS * 3600_000);
  const sessions = await prisma.liveSession.findMany({
    where: {
      userId,
      status: { not: "RECORDING" },
      segments: { none: { deletedAt: null } },
      AND: [
        { OR: [{ id: { in: touched } }, { endedAt: { gte: recheckFrom, lt: cutoff } }] },
        { OR: [{ endedAt: { lt: cutoff } }, { endedAt: null, startedAt: { lt: cutoff } }] },
      ],
    },
    select: { id: true },
  });
  let deleted = 0;
  for (const { id } of sessions) {
    const blobs = (await store.list(`sessions/${id}/`)).filter((b) => b.uploadedAt < cutoff);
    await Promise.all(blobs.map((b) => store.delete(b.key)));
    await prisma.audioChunk.deleteMany({ where: { userId, sessionId: id, createdAt: { lt: cutoff } } });
    deleted += blobs.length;
  }
  return deleted;
}
