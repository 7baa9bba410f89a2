import "server-only";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { mediaUrl } from "@/lib/media-url";
import { ZFacecamBox, type TFacecamBox } from "@/lib/studio/reframe/facecam-box";

export type TFacecam = { facecamBox: TFacecamBox | null; frame: { url: string; clipId: string } | null };

/**
 * GET /api/streamers/[id]/facecam: the streamer's facecam box, and a still frame of the stream to draw it on
 * (the thumbnail of its newest ready clip; null before it has one).
 */
export async function getFacecam(userId: string, streamerId: string): Promise<TFacecam> {
  const streamer = await prisma.streamer.findFirst({
    where: { id: streamerId, userId, archivedAt: null },
    select: { facecamBox: true },
  });
  if (!streamer) throw new AppError("not_found", "Streamer not found.");
  const clip = await prisma.clip.findFirst({
    where: { streamerId, userId, status: "READY", thumbKey: { not: null } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, thumbKey: true },
  });
  const box = ZFacecamBox.safeParse(streamer.facecamBox);
  return {
    facecamBox: box.success ? box.data : null,
    frame: clip ? { url: mediaUrl(clip.thumbKey)!, clipId: clip.id } : null,
  };
}
