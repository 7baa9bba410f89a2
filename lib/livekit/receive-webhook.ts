import { WebhookReceiver, type WebhookEvent } from "livekit-server-sdk";
import { AppError } from "@/lib/http/errors";
import { SIGNATURE_TOLERANCE_SECONDS } from "@/lib/signing";
import { livekitConfig } from "./clients";

/**
 * Verifies a LiveKit webhook: `Authorization` carries a JWT signed with the API secret whose `sha256` claim
 * is the base64 SHA-256 of the raw body (WebhookReceiver checks signature, expiry and digest). The event's
 * own `createdAt` must be within the signature window too, and it must carry an id (replays are refused by
 * id in the route). Anything else is 401.
 */
export async function receiveLivekitWebhook(
  body: string,
  authorization: string | null,
  now = Date.now(),
): Promise<WebhookEvent> {
  const config = livekitConfig();
  if (!config) throw new AppError("unauthorized", "LiveKit webhooks are not configured on this server.");
  if (!authorization) throw new AppError("unauthorized", "Invalid webhook signature (missing Authorization).");
  let event: WebhookEvent;
  try {
    event = await new WebhookReceiver(config.apiKey, config.apiSecret).receive(body, authorization);
  } catch (err) {
    const reason = err instanceof Error && /sha256/.test(err.message) ? "body digest mismatch" : "bad or expired token";
    throw new AppError("unauthorized", `Invalid webhook signature (${reason}).`);
  }
  const age = now / 1000 - Number(event.createdAt);
  if (!event.createdAt || Math.abs(age) > SIGNATURE_TOLERANCE_SECONDS) {
    throw new AppError("unauthorized", "Invalid webhook signature (stale event).");
  }
  if (!event.id) throw new AppError("unauthorized", "Invalid webhook signature (event without id).");
  return event;
}
