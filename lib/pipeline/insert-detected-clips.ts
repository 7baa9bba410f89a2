import type { Prisma } from "@/generated/prisma/client";
import type { TCandidate } from "@/lib/detect";
import { mergeCandidates } from "@/lib/detect";

/** Where a segment's detected clips go. */
export type TClipTarget = { segmentId: string; userId: string; sessionId: string; streamerId: string };

const overlaps = (a: TCandidate, b: TCandidate) => Math.min(a.end, b.end) - Math.max(a.start, b.start) > 0;

/**
 * Inserts the candidates no clip of the session already covers (clips ending at or after `knownSince` are
 * the ones that can overlap them) as PENDING clips, and returns the ids of the PENDING ones. Runs in the
 * caller's transaction under the session's advisory lock: one writer per session at a time, so a finalizing
 * run and a segment run cannot both add the same moment. Clips are keyed by their start, so a repeated
 * run leaves existing ones as they are.
 */
export async function insertDetectedClips(
  tx: Prisma.TransactionClient,
  p: { target: TClipTarget; candidates: TCandidate[]; knownSince: number },
): Promise<string[]> {
  const { target } = p;
  await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${target.sessionId}))`;
  const existing = await tx.clip.findMany({
    where: { sessionId: target.sessionId, endTime: { gte: p.knownSince } },
    select: {
      startTime: true,
      endTime: true,
      title: true,
      hook: true,
      reason: true,
      score: true,
      tags: true,
      engine: true,
      excerpt: true,
    },
  });
  const known: TCandidate[] = existing.map((c) => ({
    start: c.startTime,
    end: c.endTime,
    title: c.title,
    hook: c.hook ?? "",
    reason: c.reason,
    score: c.score,
    tags: c.tags,
    engine: c.engine as TCandidate["engine"],
    excerpt: c.excerpt,
  }));
  const fresh = mergeCandidates(known, p.candidates).filter((c) => !known.some((k) => overlaps(k, c)));
  const ids: string[] = [];
  for (const c of fresh) {
    const detectionKey = `t${Math.round(c.start * 10)}`;
    const clip = await tx.clip.upsert({
      where: { sessionId_detectionKey: { sessionId: target.sessionId, detectionKey } },
      create: {
        userId: target.userId,
        streamerId: target.streamerId,
        sessionId: target.sessionId,
        segmentId: target.segmentId,
        detectionKey,
        startTime: c.start,
        endTime: c.end,
        title: c.title,
        hook: c.hook,
        reason: c.reason,
        score: c.score,
        tags: c.tags,
        engine: c.engine,
        engineModel: c.model ?? null,
        excerpt: c.excerpt,
      },
      update: {},
      select: { id: true, status: true },
    });
    if (clip.status === "PENDING") ids.push(clip.id);
  }
  return ids;
}
