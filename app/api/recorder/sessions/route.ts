import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { api } from "@/lib/http/api";
import { AppError } from "@/lib/http/errors";
import { recorderLivekitSessionsWhere } from "@/lib/livekit/recorded-by-recorder";
import { liveChunkSeconds } from "@/lib/recorder/client";
import type { TStartRecording } from "@/lib/recorder/protocol";
import { recorderSourceFor, recordingOutputOf } from "@/lib/recorder/recorder-source";
import { replayStartRequest } from "@/lib/recording/replay";
import { SIGNATURE_HEADER, verifyRequest } from "@/lib/signing";
import { claimNonce } from "@/lib/webhooks/claim-delivery";

export const dynamic = "force-dynamic";

/**
 * For the recorder after a restart: every session that should still be recording. Signed like the app's
 * control calls (`signRequest`: bound to GET and this path, with a nonce accepted once), so a captured
 * request cannot be replayed to read the list again. A LiveKit room's source carries a freshly minted viewer
 * token, so a restarted recorder rejoins with a valid one.
 */
export const GET = api(async (req) => {
  const url = new URL(req.url);
  const check = verifyRequest(
    env.recorderSecret,
    { method: "GET", path: `${url.pathname}${url.search}`, body: "" },
    req.headers.get(SIGNATURE_HEADER),
  );
  if (!check.ok) throw new AppError("unauthorized", `Invalid signature (${check.reason}).`);
  await claimNonce("recorder", check.nonce, "Invalid signature (replayed).");
  // LIVEKIT sessions recorded by LiveKit egress (inngest/livekit-egress.ts) are not the recorder's.
  const livekit = recorderLivekitSessionsWhere();
  const rows = await prisma.liveSession.findMany({
    where: {
      status: "RECORDING",
      OR: [{ replaySource: { not: null } }, { streamer: { kind: { not: "LIVEKIT" } } }, ...(livekit ? [livekit] : [])],
    },
    select: {
      id: true,
      streamerId: true,
      segmentSeconds: true,
      replaySource: true,
      replayPace: true,
      streamer: { select: { kind: true, source: true, recordOutput: true, recordQuality: true } },
    },
  });
  const sessions: TStartRecording[] = await Promise.all(
    rows.map(async (r) =>
      // A replay reads its own recording (an upload's link signed afresh), whatever the streamer's kind.
      r.replaySource !== null
        ? replayStartRequest({ ...r, replaySource: r.replaySource })
        : {
            sessionId: r.id,
            streamerId: r.streamerId,
            source: await recorderSourceFor(r.id, r.streamer),
            segmentSeconds: r.segmentSeconds,
            audioChunkSeconds: liveChunkSeconds(),
            output: recordingOutputOf(r.streamer),
          },
    ),
  );
  return Response.json({ sessions });
});
