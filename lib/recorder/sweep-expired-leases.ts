import "server-only";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { callRecorder } from "./client";
import { planTakeovers } from "./lease";
import { recorderLoads } from "./recorder-loads";
import { startRequestsFor } from "./start-requests";

/**
 * Leases that ran out (their owner stopped heartbeating) go to the least-loaded live recorder with a higher
 * epoch (the same epoch when it is the same recorder coming back, so what it left in its spool still counts).
 * The new owners are sent the start request at once; one that misses it gets the session with its next
 * heartbeat.
 */
export async function sweepExpiredLeases(now = new Date()): Promise<{ sessionId: string; to: string }[]> {
  const ttl = env.RECORDER_LEASE_SECONDS;
  const moved = await prisma.$transaction(async (tx) => {
    const expired = await tx.$queryRaw<{ sessionId: string; recorderId: string | null }[]>`
      select id as "sessionId", "recorderId" from "LiveSession"
       where status = 'RECORDING' and "leaseExpiresAt" < ${now}
       order by "leaseExpiresAt" for update skip locked`;
    if (!expired.length) return [];
    const plan = planTakeovers(expired, await recorderLoads(), now, ttl);
    for (const p of plan) {
      const same = p.from === p.to.id;
      await tx.$executeRaw`
        update "LiveSession"
           set "recorderId" = ${p.to.id}, "leaseEpoch" = "leaseEpoch" + ${same ? 0 : 1},
               "leaseExpiresAt" = ${new Date(now.getTime() + ttl * 1000)}
         where id = ${p.sessionId}`;
    }
    return plan;
  });
  for (const p of moved) {
    console.log(
      `[recorder-fleet] session ${p.sessionId}: lease of ${p.from ?? "RECORDER_URL"} ran out; now ${p.to.id}`,
    );
  }
  void pushStarts(moved.map((p) => ({ sessionId: p.sessionId, url: p.to.url })));
  return moved.map((p) => ({ sessionId: p.sessionId, to: p.to.id }));
}

/** Start requests to the new owners, best effort (their next heartbeat hands them over otherwise). */
async function pushStarts(moves: { sessionId: string; url: string }[]): Promise<void> {
  if (!moves.length) return;
  const reqs = new Map(
    (await startRequestsFor({ id: { in: moves.map((m) => m.sessionId) } })).map((r) => [r.sessionId, r]),
  );
  await Promise.all(
    moves.map(async (m) => {
      const req = reqs.get(m.sessionId);
      if (!req) return;
      const res = await callRecorder(m.url, "POST", "/sessions", req).catch((e: Error) => e);
      if (res instanceof Error || !res.ok)
        console.warn(
          `[recorder-fleet] start ${m.sessionId} on ${m.url}: ${res instanceof Error ? res.message : res.status}`,
        );
    }),
  );
}
