import { prisma } from "@/lib/db";
import { STUCK_SEGMENT_MINUTES } from "@/lib/segments/fail-stuck-segments";
import { getStore, storageKeys } from "@/lib/storage";
import { purgePreviewProxies } from "./purge-preview-proxies";
import { purgeSessionLeftovers } from "./purge-session-leftovers";

export type TPurgeResult = {
  segments: number;
  bytes: number;
  users: number;
  chunks: number;
  /** Blobs left under `sessions/<id>/` of sessions whose recording is gone (live parts, unannounced uploads). */
  leftovers: number;
  /** Preview proxy blobs (video + poster) of the trim editor. */
  proxies: number;
};

const BATCH = 200;

/**
 * Deletes raw recordings past each owner's retention period (User.retentionHours, default 48 h), blob kind by
 * blob kind (ARCHITECTURE.md, Retention):
 * - `sessions/<id>/segments|audio|analysis/…` and the transcript: with their segment, once recorded before the
 *   cutoff and not in the pipeline (READY, DONE, ERROR, or PROCESSING without progress for
 *   STUCK_SEGMENT_MINUTES); a session with a clip still to be rendered or trimmed keeps its segments until the
 *   next run.
 * - `sessions/<id>/chunks/…`: audio chunk rows (and blobs) created before the cutoff.
 * - anything else under `sessions/<id>/` (live parts, manifest, unannounced uploads): once the session stopped
 *   before the cutoff and all its segments are purged (purgeSessionLeftovers).
 * - `clips/<id>/proxy-*`: after PROXY_MAX_AGE_HOURS, or as soon as the recording they copy is purged.
 * Clips, thumbnails, trimmed versions, exports and their captions are kept. Idempotent: a deleted segment is
 * marked and skipped, and deleting a blob that is already gone is not an error.
 */
export async function purgeExpiredRecordings(now = new Date()): Promise<TPurgeResult> {
  const store = getStore();
  const result: TPurgeResult = { segments: 0, bytes: 0, users: 0, chunks: 0, leftovers: 0, proxies: 0 };
  const stuckBefore = new Date(now.getTime() - STUCK_SEGMENT_MINUTES * 60_000);
  const users = await prisma.user.findMany({ select: { id: true, retentionHours: true } });
  for (const user of users) {
    const cutoff = new Date(now.getTime() - user.retentionHours * 3600_000);
    let removedForUser = 0;
    let bytesForUser = 0;
    const removedIds: string[] = [];
    const touched = new Set<string>();
    for (;;) {
      const batch = await prisma.segment.findMany({
        where: {
          userId: user.id,
          deletedAt: null,
          recordedAt: { lt: cutoff },
          // READY past retention was never processed (its event was lost): kept no longer than the rest.
          // PROCESSING is left to its run while it makes progress; one without progress for STUCK_SEGMENT_MINUTES
          // is stuck (fail-stuck-segments marks it ERROR, unless that cron is not running) and goes like ERROR.
          OR: [
            { status: { in: ["DONE", "ERROR", "READY"] } },
            { status: "PROCESSING", updatedAt: { lt: stuckBefore } },
          ],
          // A clip still to be rendered, or re-cut by a pending trim, is cut from its session's segments: they
          // wait for the next run.
          session: {
            clips: { none: { OR: [{ status: { in: ["PENDING", "RENDERING"] } }, { trimStart: { not: null } }] } },
          },
        },
        select: { id: true, sessionId: true, number: true, storageKey: true, sizeBytes: true },
        take: BATCH,
      });
      if (!batch.length) break;
      for (const s of batch) {
        const keys = [
          s.storageKey,
          storageKeys.segmentAudio(s.sessionId, s.number),
          storageKeys.segmentSignals(s.sessionId, s.number),
        ];
        await Promise.all(keys.filter((k): k is string => !!k).map((k) => store.delete(k)));
      }
      const ids = batch.map((s) => s.id);
      for (const s of batch) touched.add(s.sessionId);
      await prisma.$transaction([
        prisma.transcript.deleteMany({ where: { segmentId: { in: ids } } }),
        prisma.segment.updateMany({ where: { id: { in: ids } }, data: { deletedAt: now, storageKey: null } }),
      ]);
      removedForUser += batch.length;
      removedIds.push(...ids);
      bytesForUser += batch.reduce((n, s) => n + (s.sizeBytes ?? 0), 0);
      result.bytes += batch.reduce((n, s) => n + (s.sizeBytes ?? 0), 0);
    }
    // Audio chunks sent ahead of a segment that never got to use them (a crash, an aborted session).
    const chunks = await prisma.audioChunk.findMany({
      where: { userId: user.id, createdAt: { lt: cutoff } },
      select: { id: true, sessionId: true, storageKey: true },
    });
    if (chunks.length) {
      await Promise.all(chunks.map((c) => store.delete(c.storageKey)));
      await prisma.audioChunk.deleteMany({ where: { id: { in: chunks.map((c) => c.id) } } });
      result.chunks += chunks.length;
      for (const c of chunks) touched.add(c.sessionId);
      console.log(
        `[retention] user ${user.id}: removed ${chunks.length} leftover audio chunk(s) older than ${cutoff.toISOString()}`,
      );
    }
    const leftovers = await purgeSessionLeftovers(store, user.id, [...touched], cutoff);
    if (leftovers) {
      result.leftovers += leftovers;
      console.log(
        `[retention] user ${user.id}: removed ${leftovers} leftover blob(s) of session(s) whose recording is purged`,
      );
    }
    if (removedForUser) {
      result.users++;
      result.segments += removedForUser;
      console.log(
        `[retention] user ${user.id}: removed ${removedForUser} segment recording(s) (${(bytesForUser / 1e6).toFixed(1)} MB) ` +
          `recorded before ${cutoff.toISOString()} (retention ${user.retentionHours} h): ${removedIds.join(", ")}`,
      );
    }
  }
  // After the segments: a proxy whose recording was purged in this run goes in this run too.
  result.proxies = await purgePreviewProxies(store, now);
  if (result.proxies) console.log(`[retention] removed ${result.proxies} preview proxy blob(s)`);
  if (result.segments) {
    console.log(
      `[retention] removed ${result.segments} segment recordings (${(result.bytes / 1e6).toFixed(1)} MB) for ${result.users} user(s)`,
    );
  }
  return result;
}
