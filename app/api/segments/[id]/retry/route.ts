import { inngest } from "@/inngest/client";
import { segmentReady } from "@/inngest/events";
import { requireUser } from "@/lib/auth/server";
import { prisma } from "@/lib/db";
import { api } from "@/lib/http/api";
import { AppError } from "@/lib/http/errors";

/** Re-run processing of a failed segment. */
export const POST = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  const seg = await prisma.segment.findFirst({ where: { id, userId: user.id }, select: { id: true, status: true, sessionId: true, attempts: true, deletedAt: true } });
  if (!seg) throw new AppError("not_found", "Segment not found.");
  if (seg.deletedAt) throw new AppError("conflict", "The recording of this segment was deleted after the retention period.");
  if (seg.status !== "ERROR") throw new AppError("conflict", "Only failed segments can be retried.");
  await prisma.segment.update({ where: { id }, data: { status: "READY", error: null, stage: null, progress: 0 } });
  await inngest.send({ id: `segment-retry-${id}-${seg.attempts}`, name: segmentReady.name, data: { segmentId: id, sessionId: seg.sessionId, userId: user.id } });
  return Response.json({ ok: true }, { status: 202 });
});
