import { IngressInput } from "livekit-server-sdk";
import { z } from "zod";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { ingressClient } from "./clients";
import { ownsRoom } from "./user-room";

export const ZCreateIngress = z.object({ type: z.enum(["rtmp", "whip"]) }).strict();

/**
 * An RTMP or WHIP ingress into a LIVEKIT streamer's room, for a streamer who pushes directly (OBS etc.).
 * The URL and stream key go back to the caller once and are not stored (LiveKit keeps the key).
 */
export async function createIngress(userId: string, streamerId: string, input: z.infer<typeof ZCreateIngress>) {
  const streamer = await prisma.streamer.findFirst({
    where: { id: streamerId, userId, archivedAt: null },
    select: { id: true, kind: true, source: true, name: true },
  });
  if (!streamer) throw new AppError("not_found", "Streamer not found.");
  if (streamer.kind !== "LIVEKIT")
    throw new AppError("invalid_input", "Ingress is only available for LiveKit room streamers.");
  if (!ownsRoom(userId, streamer.source))
    throw new AppError(
      "forbidden",
      "This LiveKit room is not one of this account's rooms: remove the streamer and add livekit:<room> again.",
    );
  const info = await ingressClient().createIngress(
    input.type === "whip" ? IngressInput.WHIP_INPUT : IngressInput.RTMP_INPUT,
    {
      name: `clipstream-${streamer.id}-${input.type}`,
      roomName: streamer.source,
      participantIdentity: `ingress-${streamer.id}`,
      participantName: streamer.name,
    },
  );
  return { ingressId: info.ingressId, type: input.type, url: info.url, streamKey: info.streamKey };
}
