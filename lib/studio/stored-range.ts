import { prisma } from "@/lib/db";

export type TStoredSegment = { number: number; startOffset: number; duration: number; storageKey: string };

/** The session's segments whose recording is still stored, in order. */
export async function storedSegments(sessionId: string): Promise<TStoredSegment[]> {
  const rows = await prisma.segment.findMany({
    where: { sessionId, deletedAt: null, storageKey: { not: null } },
    orderBy: { number: "asc" },
    select: { number: true, startOffset: true, duration: true, storageKey: true },
  });
  return rows.map((r) => ({ ...r, storageKey: r.storageKey! }));
}

/** Gaps shorter than this between consecutive segments count as continuous (container rounding). */
const GAP = 0.25;

/** The continuous stored stretch of stream time containing `t`, or null when `t` is not stored. */
export function continuousRangeAt(segments: TStoredSegment[], t: number): { start: number; end: number } | null {
  let run: { start: number; end: number } | null = null;
  for (const s of segments) {
    if (run && s.startOffset <= run.end + GAP) run.end = Math.max(run.end, s.startOffset + s.duration);
    else {
      if (run && t >= run.start && t <= run.end) return run;
      run = { start: s.startOffset, end: s.startOffset + s.duration };
    }
  }
  return run && t >= run.start && t <= run.end ? run : null;
}
