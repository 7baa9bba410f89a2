import { env } from "@/lib/env";
import { api } from "@/lib/http/api";
import { AppError } from "@/lib/http/errors";
import { parseJson, readBody } from "@/lib/http/read-json";
import { storeActivity } from "@/lib/pumpfun/store-activity";
import { ZRecorderWebhook } from "@/lib/recorder/protocol";
import { endSession, recordAudioChunk, recordSegment } from "@/lib/segments/recorder-events";
import { SIGNATURE_HEADER, verifySignature } from "@/lib/signing";
import { claimDelivery } from "@/lib/webhooks/claim-delivery";

export const runtime = "nodejs";

/**
 * Recorder → app: `segment.recorded`, `audio.chunk`, `activity.batch` and `session.ended`, HMAC-signed over the
 * raw body.
 */
export const POST = api(async (req) => {
  const body = await readBody(req, 16 * 1024);
  const check = verifySignature(env.recorderSecret, body, req.headers.get(SIGNATURE_HEADER));
  if (!check.ok) throw new AppError("unauthorized", `Invalid webhook signature (${check.reason}).`);
  const msg = parseJson(body, ZRecorderWebhook);
  // Each signature is accepted once (replays → 401); resends of a message are idempotent (lib/webhooks).
  return claimDelivery(check.mac, async () => {
    if (msg.type === "segment.recorded") {
      const r = await recordSegment(msg);
      return Response.json({ ok: true, segmentId: r.segmentId, duplicate: r.duplicate });
    }
    if (msg.type === "audio.chunk") {
      const r = await recordAudioChunk(msg);
      return Response.json({ ok: true, chunkId: r.chunkId, duplicate: r.duplicate });
    }
    if (msg.type === "activity.batch") {
      return Response.json({ ok: true, stored: await storeActivity(msg) });
    }
    await endSession(msg);
    return Response.json({ ok: true });
  });
});
