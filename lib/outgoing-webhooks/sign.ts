import { Webhook } from "standardwebhooks";

/**
 * The Standard Webhooks headers of one attempt: `webhook-id` (the same on every attempt of a delivery),
 * `webhook-timestamp` (this attempt, Unix seconds) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of
 * `id.timestamp.body` with the secret's key), made by the specification's own library.
 */
export function signatureHeaders(secret: string, msgId: string, at: Date, body: string): Record<string, string> {
  return {
    "webhook-id": msgId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(msgId, at, body),
  };
}
