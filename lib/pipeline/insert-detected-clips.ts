import type { Prisma } from "@/generated/prisma/client";
import type { TCandidate } from "@/lib/detect";
import { mergeCandidates } from "@/lib/detect";

type TRange = { start: number; end: number };

/**
 * Where detected clips go: a segment's detection (SEGMENT, segmentId set), or the live edge (LIVE, segmentId
 * null until the segment covering the clip closes and attaches it).
 */
export type TClipTarget = {
  segmentId: string | null;
  userId: string;
  sessionId: string;
  streamerId: string;
  origin?: "LIVE" | "SEGMENT";
  /** Segment runs: unattached live clips ending by then join the segment (Infinity: the stream's last). */
  segmentEnd?: number;
  /**
   * Segment runs: moments left to the next segment (they run into this one's end). A live clip overlapping
   * one stays unattached, so the next segment, which sees the moment whole, refines it.
   */
  heldBack?: TRange[];
};

/** A segment may move a live clip's edges by this much (seconds) before it is worth a new render. */
const REFINE_MIN_SECONDS = 1;

const overlaps = (a: TRange, b: TRange) => Math.min(a.end, b.end) - Math.max(a.start, b.start) > 0;

type TExisting = Prisma.ClipGetPayload<{ select: typeof existingSelect }>;
const existingSelect = {
  id: true,
  origin: true,
  segmentId: true,
  status: true,
  review: true,
  favorite: true,
  trimStart: true,
  trimEnd: true,
  captions: true,
  shareSlug: true,
  startTime: true,
  endTime: true,
  title: true,
  hook: true,
  reason: true,
  score: true,
  tags: true,
  engine: true,
  excerpt: true,
  _count: { select: { exports: true } },
} as const;

/**
 * Nobody has looked at or used the clip yet: its edges may still move. A render of it may be running: that
 * render then finds the edges changed and discards its file (render-clip-media.ts), and the new one stands.
 */
export function isRefinable(
  c: Pick<TExisting, "review" | "favorite" | "trimStart" | "trimEnd" | "captions" | "shareSlug" | "_count">,
): boolean {
  return (
    c.review === "PENDING" &&
    !c.favorite &&
    c.trimStart === null &&
    c.trimEnd === null &&
    c.captions === null &&
    c.shareSlug === null &&
    c._count.exports === 0
  );
}

/**
 * Segment close reconciles the live edge: a candidate overlapping a live clip not yet attached to a segment
 * makes no second clip; the live clip joins this segment and, while nobody has reviewed it, takes the
 * segment's edges (re-rendered when they moved by more than REFINE_MIN_SECONDS, or when its first render
 * failed). Live clips ending within the segment that no candidate matched join it too, unless a moment held
 * back for the next segment overlaps them. Returns the ids to render again.
 */
async function reconcileLive(
  tx: Prisma.TransactionClient,
  target: TClipTarget,
  existing: TExisting[],
  candidates: TCandidate[],
): Promise<string[]> {
  const segmentId = target.segmentId;
  if (!segmentId || target.origin === "LIVE") return [];
  const live = existing.filter((c) => c.origin === "LIVE" && c.segmentId === null);
  const rerender: string[] = [];
  const handled = new Set<string>();
  for (const c of [...candidates].sort((a, b) => b.score - a.score || a.start - b.start)) {
    const k = live.find((l) => !handled.has(l.id) && overlaps({ start: l.startTime, end: l.endTime }, c));
    if (!k) continue;
    handled.add(k.id);
    const moved =
      Math.abs(k.startTime - c.start) > REFINE_MIN_SECONDS || Math.abs(k.endTime - c.end) > REFINE_MIN_SECONDS;
    const refine = isRefinable(k) && (moved || k.status === "ERROR");
    await tx.clip.update({
      where: { id: k.id },
      // An unreviewed clip also takes the segment's excerpt: its words around clips are the accurate search's
      // (early-audio.ts earlyWords), where the live edge's were the fast search's.
      data: refine
        ? { segmentId, startTime: c.start, endTime: c.end, excerpt: c.excerpt, status: "PENDING", error: null }
        : isRefinable(k) && c.excerpt
          ? { segmentId, excerpt: c.excerpt }
          : { segmentId },
    });
    if (refine) rerender.push(k.id);
  }
  if (target.segmentEnd !== undefined) {
    const held = target.heldBack ?? [];
    const rest = live
      .filter((l) => !handled.has(l.id) && l.endTime <= target.segmentEnd!)
      .filter((l) => !held.some((h) => overlaps({ start: l.startTime, end: l.endTime }, h)))
      .map((l) => l.id);
    if (rest.length) await tx.clip.updateMany({ where: { id: { in: rest }, segmentId: null }, data: { segmentId } });
  }
  return rerender;
}

/**
 * Inserts the candidates no clip of the session already covers (clips ending at or after `knownSince` are
 * the ones that can overlap them) as PENDING clips, and returns the ids of the clips to render (PENDING ones,
 * and live clips a segment refined). Runs in the caller's transaction under the session's advisory lock: one
 * writer per session at a time, so the live edge, a finalizing run and a segment run cannot both add the
 * same moment. Clips are keyed by their start, so a repeated run leaves existing ones as they are.
 */
export async function insertDetectedClips(
  tx: Prisma.TransactionClient,
  p: { target: TClipTarget; candidates: TCandidate[]; knownSince: number; replacing?: string[] },
): Promise<string[]> {
  const { target } = p;
  const replacing = p.replacing ?? [];
  await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${target.sessionId}))`;
  // Clips being replaced (re-detect) neither block the new candidates nor survive this transaction.
  if (replacing.length) await tx.clip.deleteMany({ where: { id: { in: replacing }, sessionId: target.sessionId } });
  const existing = await tx.clip.findMany({
    where: {
      sessionId: target.sessionId,
      OR: [
        { endTime: { gte: p.knownSince } },
        ...(target.segmentEnd !== undefined ? [{ origin: "LIVE" as const, segmentId: null }] : []),
      ],
    },
    select: existingSelect,
  });
  const known: TCandidate[] = existing
    .filter((c) => c.endTime >= p.knownSince)
    .map((c) => ({
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
  const rerender = await reconcileLive(tx, target, existing, p.candidates);
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
        origin: target.origin ?? "SEGMENT",
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
  return [...new Set([...ids, ...rerender])];
}
