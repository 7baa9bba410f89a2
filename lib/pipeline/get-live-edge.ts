import { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { liveEdgeStatus, type TChunkMode, type TLiveEdgeStatus } from "./live-backpressure";

type TRow = {
  sessionId: string;
  arrivedEnd: number | null;
  waitingStart: number | null;
  waitingSinceMs: number | null;
  lastMode: TChunkMode | null;
};

/**
 * How far behind live each of the user's sessions' live edge is (liveEdgeStatus over its audio chunk rows),
 * in one query: the newest chunk's end, the oldest chunk still PENDING or RUNNING, and the newest DONE
 * chunk's mode. A session without chunks (no live edge, or all consumed by closed segments) maps to null.
 */
export async function getLiveEdge(userId: string, sessionIds: string[]): Promise<Map<string, TLiveEdgeStatus | null>> {
  const out = new Map<string, TLiveEdgeStatus | null>(sessionIds.map((id) => [id, null]));
  if (!sessionIds.length) return out;
  const rows = await prisma.$queryRaw<TRow[]>`
    select s.id as "sessionId",
           (select max(c."startOffset" + c.duration) from "AudioChunk" c where c."sessionId" = s.id) as "arrivedEnd",
           w."startOffset" as "waitingStart",
           round(extract(epoch from w."createdAt") * 1000)::float8 as "waitingSinceMs",
           (select c.signals->>'mode' from "AudioChunk" c
             where c."sessionId" = s.id and c.status = 'DONE' order by c."startOffset" desc limit 1) as "lastMode"
    from "LiveSession" s
    left join lateral (
      select c."startOffset", c."createdAt" from "AudioChunk" c
      where c."sessionId" = s.id and c.status in ('PENDING', 'RUNNING')
      order by c."startOffset" asc limit 1
    ) w on true
    where s."userId" = ${userId} and s.id in (${Prisma.join(sessionIds)})`;
  const now = Date.now();
  for (const r of rows) {
    out.set(
      r.sessionId,
      liveEdgeStatus({
        arrivedEnd: r.arrivedEnd,
        oldestWaiting:
          r.waitingStart === null || r.waitingSinceMs === null
            ? null
            : { start: r.waitingStart, arrivedAtMs: r.waitingSinceMs },
        // Rows from before backpressure have no mode: they were decoded.
        lastMode:
          r.lastMode === "cheap" || r.lastMode === "fast"
            ? r.lastMode
            : r.lastMode === null && r.arrivedEnd === null
              ? null
              : "full",
        nowMs: now,
      }),
    );
  }
  return out;
}
