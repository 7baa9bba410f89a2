import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { recorderLivekitSessionsWhere } from "@/lib/livekit/recorded-by-recorder";
import { replayStartRequest } from "@/lib/recording/replay";
import { liveChunkSeconds } from "./client";
import { leaseOf } from "./lease-of";
import type { TStartRecording } from "./protocol";
import { recorderSourceFor, recordingOutputOf } from "./recorder-source";

/**
 * Start requests for the recording sessions `where` picks that the recorder records (LIVEKIT sessions recorded
 * by LiveKit egress are not its), each with its current lease (lib/recorder/lease.ts). A LiveKit room's
 * source carries a freshly minted viewer token; a replay reads its own recording (an upload's link signed
 * afresh), whatever the streamer's kind.
 */
export async function startRequestsFor(where: Prisma.LiveSessionWhereInput): Promise<TStartRecording[]> {
  const livekit = recorderLivekitSessionsWhere();
  const rows = await prisma.liveSession.findMany({
    where: {
      AND: [
        where,
        { status: "RECORDING" },
        {
          OR: [
            { replaySource: { not: null } },
            { streamer: { kind: { not: "LIVEKIT" } } },
            ...(livekit ? [livekit] : []),
          ],
        },
      ],
    },
    select: {
      id: true,
      streamerId: true,
      segmentSeconds: true,
      replaySource: true,
      replayPace: true,
      leaseEpoch: true,
      streamer: { select: { kind: true, source: true, recordOutput: true, recordQuality: true } },
    },
  });
  return Promise.all(
    rows.map(async (r) => {
      const req: TStartRecording =
        r.replaySource !== null
          ? replayStartRequest({ ...r, replaySource: r.replaySource })
          : {
              sessionId: r.id,
              streamerId: r.streamerId,
              source: await recorderSourceFor(r.id, r.streamer),
              segmentSeconds: r.segmentSeconds,
              audioChunkSeconds: liveChunkSeconds(),
              output: recordingOutputOf(r.streamer),
            };
      return r.leaseEpoch > 0 ? { ...req, lease: await leaseOf(r.id, r.leaseEpoch, true) } : req;
    }),
  );
}
