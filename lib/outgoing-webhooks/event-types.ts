/** The events an endpoint can subscribe to (the row triggers of migration outgoing_webhooks write them). */
export const WEBHOOK_EVENTS = [
  "clip.ready",
  "clip.reviewed",
  "session.started",
  "session.ended",
  "segment.failed",
] as const;
export type TWebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** Sent only by "Send test". */
export const TEST_EVENT = "webhook.test";

/** What each event means, for Settings (no server code: the page imports this). */
export const WEBHOOK_EVENT_LABELS: Record<TWebhookEvent, string> = {
  "clip.ready": "A clip is ready to watch",
  "clip.reviewed": "A clip is approved or rejected",
  "session.started": "A recording starts",
  "session.ended": "A recording ends",
  "segment.failed": "A segment fails to process",
};
