import "server-only";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { isLive, pickRecorder } from "./lease";
import type { TLease } from "./protocol";
import { recorderLoads } from "./recorder-loads";
import { leaseOf } from "./lease-of";

/**
 * Leases a recording session to the least-loaded live recorder of the fleet (by advertised capacity) and raises
 * its epoch, so whoever held it before is fenced off. With no live recorder registered (a single recorder that
 * has not sent its first heartbeat yet, or one run without the fleet), the lease goes to the recorder at
 * RECORDER_URL: it claims the session with its first heartbeat, or another recorder takes it over once the
 * lease runs out. When every live recorder is at capacity it throws. Returns where to send the start request and the lease it carries.
 */
export async function assignSession(
  sessionId: string,
): Promise<{ url: string; recorderId: string | null; lease: TLease }> {
  const ttl = env.RECORDER_LEASE_SECONDS;
  const { epoch, resume, target } = await prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ leaseEpoch: number }[]>`
      select "leaseEpoch" from "LiveSession" where id = ${sessionId} for update`;
    if (!row) throw new Error(`no session ${sessionId}`);
    const now = new Date();
    const fleet = await recorderLoads();
    const picked = pickRecorder(fleet, now, ttl);
    // A fleet whose every live recorder is full: refused (the session fails with "Recorder unavailable"),
    // rather than sent to RECORDER_URL over capacity.
    if (!picked && fleet.some((r) => isLive(r, now, ttl))) throw new Error("every live recorder is at capacity");
    await tx.liveSession.update({
      where: { id: sessionId },
      data: {
        recorderId: picked?.id ?? null,
        leaseEpoch: row.leaseEpoch + 1,
        leaseExpiresAt: new Date(now.getTime() + ttl * 1000),
      },
    });
    return { epoch: row.leaseEpoch + 1, resume: row.leaseEpoch > 0, target: picked };
  });
  return {
    url: target?.url ?? env.RECORDER_URL,
    recorderId: target?.id ?? null,
    lease: await leaseOf(sessionId, epoch, resume),
  };
}
