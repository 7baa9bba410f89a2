import "server-only";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { heartbeatSeconds, planHeartbeat } from "./lease";
import type { THeartbeatAnswer, TRecorderHeartbeat } from "./protocol";
import { startRequestsFor } from "./start-requests";
import { sweepExpiredLeases } from "./sweep-expired-leases";

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
