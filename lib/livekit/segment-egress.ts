import path from "node:path";
import { EncodedFileOutput, EncodedFileType, ServerError } from "livekit-server-sdk";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { egressClient } from "./clients";

/** Where egress `number` of a session writes its file (LIVEKIT_EGRESS_DIR is shared by the egress and the app). */
export const egressFilepath = (sessionId: string, number: number) =>
  path.join(env.livekitEgressDir, sessionId, `${String(number).padStart(5, "0")}.mp4`);

/**
 * Starts the room-composite file egress that records segment `number` of a LIVEKIT session and remembers it
 * (LiveKitEgress row; its start time places the segment in stream time). Idempotent per (session, number).
 */
export async function startSegmentEgress(p: { sessionId: string; userId: string; room: string; number: number }) {
  const existing = await prisma.liveKitEgress.findUnique({ where: { sessionId_number: { sessionId: p.sessionId, number: p.number } } });
  if (existing) return existing;
  const filepath = egressFilepath(p.sessionId, p.number);
  const info = await egressClient().startRoomCompositeEgress(
    p.room,
    new EncodedFileOutput({ fileType: EncodedFileType.MP4, filepath }),
    { layout: "speaker" },
  );
  return prisma.liveKitEgress.create({
    data: { egressId: info.egressId, userId: p.userId, sessionId: p.sessionId, number: p.number, filepath },
  });
}

/** Stops an egress; one that already ended (the room closed, a duplicate stop) is not an error. */
export async function stopSegmentEgress(egressId: string): Promise<void> {
  try {
    await egressClient().stopEgress(egressId);
  } catch (err) {
    if (err instanceof ServerError && err.status >= 400 && err.status < 500) return;
    throw err;
  }
}
