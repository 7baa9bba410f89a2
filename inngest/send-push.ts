import { inngest } from "./client";
import { pushDeliveryRequested } from "./events";
import { failPushDelivery, sendPushDelivery } from "@/lib/notifications/send-push";

/** push/delivery.requested → the clip's notification to each of its owner's devices (Web Push), retried. */
export const sendPushFn = inngest.createFunction(
  {
    id: "send-push",
    name: "Send clip notification",
    triggers: [pushDeliveryRequested],
    retries: 4,
    concurrency: [{ limit: 10 }, { key: "event.data.userId", limit: 2 }],
    onFailure: async ({ event }) => {
      await failPushDelivery(event.data.event.data.deliveryId);
    },
  },
  async ({ event, step }) => step.run("send", () => sendPushDelivery(event.data.deliveryId)),
);
