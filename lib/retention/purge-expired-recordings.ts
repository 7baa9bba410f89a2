import { prisma } from "@/lib/db";
import { getStore, storageKeys } from "@/lib/storage";

export type TPurgeResult = { segments: number; bytes: number; users: number; chunks: number };

const BATCH = 200;

/**
 * Deletes raw recordings past each owner's retention period (User.retentionHours, default 48 h): the
 * segment file, its extracted audio and analysis, and its transcript, plus leftover early-transcription audio
 * chunks. Clips and their renders are kept.
 * Segments still in the pipeline, and those of a session with a clip still to be rendered or trimmed, are left
 * alone; a segment that never started processing (READY) is not. Idempotent: a deleted segment is marked and skipped, and
 * deleting a blob that is already gone is not an error.
 */
export async function purgeExpiredRecordings(now = new Date()): Promise<TPurgeResult> {
  const store = getStore();
  const result: TPurgeResult = { segments: 0, bytes: 0, users: 0, chunks: 0 };
  const users = await prisma.user.findMany({ select: { id: true, retentionHours: true } });
  for (const user of users) {
    const cutoff = new Date(now.getTime() - user.retentionHours * 3600_000);
    let removedForUser = 0;
    let bytesForUser = 0;
    const removedIds: string[] = [];
    for (;;) {
      const batch = await prisma.segment.findMany({
        where: {
          userId: user.id,
          deletedAt: null,
          recordedAt: { lt: cutoff },
          // READY past retention was never processed (its event was lost): kept no longer than the rest.
          // PROCESSING is left to its run; one stuck for an hour becomes ERROR (fail-stuck-segments).
          status: { in: ["DONE", "ERROR", "READY"] },
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
      select: { id: true, storageKey: true },
    });
    if (chunks.length) {
      await Promise.all(chunks.map((c) => store.delete(c.storageKey)));
      await prisma.audioChunk.deleteMany({ where: { id: { in: chunks.map((c) => c.id) } } });
      result.chunks += chunks.length;
      console.log(
        `[retention] user ${user.id}: removed ${chunks.length} leftover audio chunk(s) older than ${cutoff.toISOString()}`,
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
  if (result.segments) {
    console.log(
      `[retention] removed ${result.segments} segment recordings (${(result.bytes / 1e6).toFixed(1)} MB) for ${result.users} user(s)`,
    );
  }
  return result;
}
