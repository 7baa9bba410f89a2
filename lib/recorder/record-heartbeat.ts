import "server-only";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { callRecorder } from "./client";
import { heartbeatSeconds, planHeartbeat, planTakeovers } from "./lease";
import type { THeartbeatAnswer, TRecorderHeartbeat } from "./protocol";
import { recorderLoads } from "./recorder-loads";
import { startRequestsFor } from "./start-requests";

/** Recorders not heard from for this long are forgotten (their row; their sessions moved long before). */
const FORGET_AFTER_MS = 24 * 3600_000;

/**
 * A recorder's heartbeat (its first one registers it): renews the leases of the sessions it reports at their
 * current epoch, sweeps every expired lease of the fleet to the least-loaded live recorder, and answers which
 * of its sessions it lost (stale: stop them) and which sessions it holds but did not report (start them).
 */
export async function recordHeartbeat(hb: TRecorderHeartbeat): Promise<THeartbeatAnswer> {
  const ttl = env.RECORDER_LEASE_SECONDS;
  const now = new Date();
  await prisma.recorder.upsert({
    where: { id: hb.recorderId },
    create: { id: hb.recorderId, url: hb.url, capacity: hb.capacity, lastSeenAt: now },
    update: { url: hb.url, capacity: hb.capacity, lastSeenAt: now },
  });
  await sweepExpiredLeases(now);

  const rows = await prisma.liveSession.findMany({
    where: {
      OR: [
        { id: { in: hb.sessions.map((s) => s.sessionId) } },
        { recorderId: hb.recorderId, status: "RECORDING", leaseExpiresAt: { not: null } },
      ],
    },
    select: { id: true, leaseEpoch: true, recorderId: true, status: true },
  });
  const plan = planHeartbeat(
    hb.recorderId,
    hb.sessions,
    rows.map((r) => ({
      sessionId: r.id,
      epoch: r.leaseEpoch,
      recorderId: r.recorderId,
      recording: r.status === "RECORDING",
    })),
  );
  const epochs = new Map(hb.sessions.map((s) => [s.sessionId, s.epoch]));
  const renewIds = plan.renew;
  const renewEpochs = renewIds.map((id) => epochs.get(id)!);
  if (renewIds.length) {
    // Only at the epoch reported: a sweep that moved the session meanwhile wins.
    await prisma.$executeRaw`
      update "LiveSession" s
         set "recorderId" = ${hb.recorderId}, "leaseExpiresAt" = ${new Date(now.getTime() + ttl * 1000)}
        from unnest(${renewIds}::text[], ${renewEpochs}::int[]) as r(id, epoch)
       where s.id = r.id and s."leaseEpoch" = r.epoch and s.status = 'RECORDING'`;
  }
  const assign = plan.assign.length ? await startRequestsFor({ id: { in: plan.assign } }) : [];
  await prisma.recorder.deleteMany({ where: { lastSeenAt: { lt: new Date(now.getTime() - FORGET_AFTER_MS) } } });
  return { heartbeatSeconds: heartbeatSeconds(ttl), stale: plan.stale, assign };
}

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
