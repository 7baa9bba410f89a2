import "server-only";
import { prisma } from "@/lib/db";
import type { TLease } from "./protocol";

/**
 * A session's lease as the recorder gets it: the epoch, and where the session stands in the app (the next
 * segment number and the end of what is stored), so a new owner continues the numbering, never from 0.
 */
export async function leaseOf(sessionId: string, epoch: number, resume: boolean): Promise<TLease> {
  const [stored] = await prisma.$queryRaw<{ next: number; until: number; startedAt: Date }[]>`
    select coalesce(max(g."number") + 1, 0)::int as next,
           coalesce(max(g."startOffset" + g."duration"), 0)::float8 as until,
           s."startedAt"
      from "LiveSession" s left join "Segment" g on g."sessionId" = s.id
     where s.id = ${sessionId}
     group by s.id`;
  return {
    epoch,
    nextNumber: stored?.next ?? 0,
    storedUntil: Math.round((stored?.until ?? 0) * 1000) / 1000,
    startedAt: stored?.startedAt.getTime() ?? Date.now(),
    resume,
  };
}
