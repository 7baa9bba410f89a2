import { inngest } from "./client";
import { webhookDeliveryRequested } from "./events";
import { attemptDelivery, failDelivery } from "@/lib/outgoing-webhooks/deliver";
import { dispatchDeliveries } from "@/lib/outgoing-webhooks/dispatch";

/** Attempts a webhook delivery a day can hold: the first and 8 retries with the engine's backoff. */
export const WEBHOOK_RETRIES = 8;

/** webhook/delivery.requested → POST the signed event; retried with backoff until a 2xx, then FAILED. */
export const deliverWebhookFn = inngest.createFunction(
  {
    id: "deliver-webhook",
    name: "Deliver webhook",
    triggers: [webhookDeliveryRequested],
    retries: WEBHOOK_RETRIES,
    // One slow receiver cannot hold every account's deliveries.
    concurrency: [{ limit: 20 }, { key: "event.data.userId", limit: 5 }],
    onFailure: async ({ event }) => {
      await failDelivery(event.data.event.data.deliveryId);
    },
  },
  async ({ event, step }) => step.run("attempt", () => attemptDelivery(event.data.deliveryId)),
);

/**
 * Every minute: hand over deliveries nobody dispatched (no long-lived web process listening, as on serverless
 * hosts, or a NOTIFY missed while a listener reconnected).
 */
export const dispatchWebhooksCron = inngest.createFunction(
  { id: "dispatch-webhooks", name: "Dispatch webhook deliveries", triggers: [{ cron: "* * * * *" }], retries: 1 },
  async ({ step }) => ({ dispatched: await step.run("dispatch", () => dispatchDeliveries()) }),
);
