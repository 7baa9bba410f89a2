import "server-only";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";

/** The control URL of the recorder holding a session's lease (RECORDER_URL when none of the fleet does). */
export async function recorderUrlOf(sessionId: string): Promise<string> {
  const row = await prisma.liveSession.findUnique({ where: { id: sessionId }, select: { recorderId: true } });
  if (row?.recorderId) {
    const rec = await prisma.recorder.findUnique({ where: { id: row.recorderId }, select: { url: true } });
    if (rec) return rec.url;
  }
  return env.RECORDER_URL;
}
