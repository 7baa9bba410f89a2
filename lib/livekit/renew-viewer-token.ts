import "server-only";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import type { TLivekitRoomSource } from "@/lib/recorder/protocol";
import { recorderLivekitSessionsWhere } from "./recorded-by-recorder";
import { livekitViewerSource } from "./viewer-token";

/**
 * A fresh viewer token for a LiveKit session the recorder records (asked for before the current one
 * expires). Only a session that is still recording a LiveKit room through the recorder gets one.
 */
export async function renewViewerToken(sessionId: string): Promise<TLivekitRoomSource> {
  const where = recorderLivekitSessionsWhere();
  const session = where
    ? await prisma.liveSession.findFirst({
        where: { AND: [{ id: sessionId, status: "RECORDING" }, where] },
        select: { id: true, streamer: { select: { source: true } } },
      })
    : null;
  if (!session) throw new AppError("not_found", "No LiveKit room is being recorded for that session.");
  return livekitViewerSource(session.id, session.streamer.source);
}
