import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { api } from "@/lib/http/api";
import { AppError } from "@/lib/http/errors";
import { recorderSourceOf, type TStartRecording } from "@/lib/recorder/protocol";
import { SIGNATURE_HEADER, verifySignature } from "@/lib/signing";

export const dynamic = "force-dynamic";

/** For the recorder after a restart: every session that should still be recording. Signed (empty body). */
export const GET = api(async (req) => {
  const check = verifySignature(env.recorderSecret, "", req.headers.get(SIGNATURE_HEADER));
  if (!check.ok) throw new AppError("unauthorized", `Invalid signature (${check.reason}).`);
  const rows = await prisma.liveSession.findMany({
    // LIVEKIT sessions are recorded by LiveKit egress (inngest/livekit-egress.ts), not by the recorder.
    where: { status: "RECORDING", streamer: { kind: { not: "LIVEKIT" } } },
    select: { id: true, streamerId: true, segmentSeconds: true, streamer: { select: { kind: true, source: true } } },
  });
  const sessions: TStartRecording[] = rows.map((r) => ({
    sessionId: r.id,
    streamerId: r.streamerId,
    source: recorderSourceOf(r.streamer),
    segmentSeconds: r.segmentSeconds,
  }));
  return Response.json({ sessions });
});
