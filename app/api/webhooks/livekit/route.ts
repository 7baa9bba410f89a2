import { api } from "@/lib/http/api";
import { readBody } from "@/lib/http/read-json";
import { handleEgressEnded } from "@/lib/livekit/egress-ended";
import { receiveLivekitWebhook } from "@/lib/livekit/receive-webhook";
import { claimDelivery } from "@/lib/webhooks/claim-delivery";

export const runtime = "nodejs";

/** LiveKit → app: `egress_ended` of a segment egress becomes a recorded (or failed) segment; others are acknowledged. */
export const POST = api(async (req) => {
  const body = await readBody(req, 64 * 1024);
  const event = await receiveLivekitWebhook(body, req.headers.get("authorization"));
  // Each event id is accepted once (a replay → 401, nothing changes); the handler is idempotent as well.
  return claimDelivery(`livekit:${event.id}`, async () => {
    if (event.event === "egress_ended" && event.egressInfo) {
      return Response.json({ ok: true, ...(await handleEgressEnded(event.egressInfo)) });
    }
    return Response.json({ ok: true, status: "ignored" });
  });
});
