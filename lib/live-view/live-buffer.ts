import "server-only";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { liveEdgeOf, readLiveManifest, type TLiveManifest } from "@/lib/live-edge/manifest";

export type TLiveBuffer = {
  session: { id: string; streamerId: string; status: string; startedAt: Date };
  manifest: TLiveManifest;
};

/** The owner's session with its live manifest; 404 for someone else's session or when there is no buffer. */
export async function getLiveBuffer(userId: string, sessionId: string): Promise<TLiveBuffer> {
  const session = await prisma.liveSession.findFirst({
    where: { id: sessionId, userId },
    select: { id: true, streamerId: true, status: true, startedAt: true },
  });
  if (!session) throw new AppError("not_found", "Session not found.");
  const manifest = await readLiveManifest(session.id);
  if (!manifest || !manifest.parts.length) throw new AppError("not_found", "This session has no live buffer.");
  return { session, manifest };
}

/** GET /api/sessions/[id]/live: where the buffer ends (session seconds) and how to map player time to it. */
export function liveEdgeDto({ session, manifest }: TLiveBuffer) {
  return {
    sessionId: session.id,
    /** End of the newest part, in session seconds. */
    edge: liveEdgeOf(manifest)!,
    /** Start of the oldest part still buffered. */
    bufferStart: manifest.parts[0].start,
    ended: manifest.ended,
    /** EXT-X-PROGRAM-DATE-TIME = startedAt + session seconds: session time = (programDate − startedAt) / 1000. */
    startedAt: session.startedAt.toISOString(),
    updatedAt: manifest.updatedAt,
    targetDuration: manifest.targetDuration,
    playlistUrl: `/api/sessions/${session.id}/live.m3u8`,
  };
}
export type TLiveEdgeDto = ReturnType<typeof liveEdgeDto>;
