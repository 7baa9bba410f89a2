import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { recorderLivekitSessionsWhere } from "@/lib/livekit/recorded-by-recorder";
import { replayStartRequest } from "@/lib/recording/replay";
import { liveChunkSeconds } from "./client";
import type { TLease, TStartRecording } from "./protocol";
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

/**
 * A session's lease as the recorder gets it: the epoch, and where the session stands in the app (the next
 * segment number and the end of what is stored), so a new owner continues the numbering, never from 0.
 */
export async function leaseOf(sessionId: string, epoch: number, resume: boolean): Promise<TLease> {
  const [stored] = await prisma.$queryRaw<{ next: number; until: number; startedAt: Date }[]>`
    select coalesce(max(g."number") + 1, 0)::int as next,
           coalesce(max(g."startOffset" + g."duration"), 0)::float8 as until,
           s."startedAt"
      from "LiveSession" s left join "Segment" g on g."sessionId" = s.id
     where s.id = ${sessionId}
     group by s.id`;
  return {
    epoch,
    nextNumber: stored?.next ?? 0,
    storedUntil: Math.round((stored?.until ?? 0) * 1000) / 1000,
    startedAt: stored?.startedAt.getTime() ?? Date.now(),
    resume,
  };
}
