import { pushDeliveryRequested, webhookDeliveryRequested } from "@/inngest/events";
import { inngest } from "@/inngest/client";
import { prisma } from "@/lib/db";
import { PgListener } from "@/lib/pg/pg-listener";

import { Prisma } from "@/generated/prisma/client";

const BATCH = 100;

type TClaimed = { id: string; userId: string };
type TOutboxEvent =
  ReturnType<typeof webhookDeliveryRequested.create> | ReturnType<typeof pushDeliveryRequested.create>;

/** The outbox tables the triggers write, and the event that hands one of their rows to its function. */
const OUTBOXES: { table: Prisma.Sql; event: (r: TClaimed) => TOutboxEvent }[] = [
  {
    table: Prisma.raw('"WebhookDelivery"'),
    event: (r: TClaimed) =>
      webhookDeliveryRequested.create({ deliveryId: r.id, userId: r.userId }, { id: `webhook-${r.id}` }),
  },
  {
    table: Prisma.raw('"PushDelivery"'),
    event: (r: TClaimed) =>
      pushDeliveryRequested.create({ deliveryId: r.id, userId: r.userId }, { id: `push-${r.id}` }),
  },
];

/**
 * Hands every delivery not yet handed over to the job engine, oldest first: webhook deliveries to deliver-webhook,
 * clip notifications (PushDelivery) to send-push. Batches are claimed with SKIP LOCKED so several processes
 * dispatching at once never send one twice; a failed send releases its batch for the next call, and the error
 * is rethrown. Returns how many were handed over.
 */
export async function dispatchDeliveries(): Promise<number> {
  let total = 0;
  for (const { table, event } of OUTBOXES) {
    for (;;) {
      const rows = await prisma.$queryRaw<TClaimed[]>`
        UPDATE ${table} SET "enqueuedAt" = (now() AT TIME ZONE 'UTC')
        WHERE "id" IN (
          SELECT "id" FROM ${table} WHERE "enqueuedAt" IS NULL
          ORDER BY "createdAt" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
        RETURNING "id", "userId"`;
      if (!rows.length) break;
      try {
        await inngest.send(rows.map(event));
      } catch (err) {
        const ids = rows.map((r) => r.id);
        await prisma.$executeRaw`UPDATE ${table} SET "enqueuedAt" = NULL WHERE "id" = ANY(${ids})`;
        throw err;
      }
      total += rows.length;
      if (rows.length < BATCH) break;
    }
  }
  return total;
}

/** dispatchDeliveries that only logs a failure (the next notification or the minute's sweep tries again). */
export async function requestDeliveries(): Promise<void> {
  await dispatchDeliveries().catch((err: Error) => console.error(`[webhooks] dispatch failed: ${err.message}`));
}

/**
 * Dispatches as soon as the row triggers announce new deliveries (NOTIFY clipstream_webhooks), once at start
 * and after every reconnect (what was written while nobody listened). One per long-lived process: the web
 * server starts it (instrumentation.ts); without one (serverless), the webhook-dispatch cron sweeps every minute.
 */
export function startWebhookDispatcher(connectionString: string, log: (m: string) => void = console.log) {
  let running: Promise<void> | null = null;
  let again = false;
  const kick = () => {
    if (running) {
      again = true;
      return;
    }
    running = requestDeliveries().finally(() => {
      running = null;
      if (again) {
        again = false;
        kick();
      }
    });
  };
  const listener = new PgListener({
    connectionString,
    channels: ["clipstream_webhooks"],
    onNotification: kick,
    onReconnect: kick,
    log: (m) => log(`[webhooks] ${m}`),
  });
  void listener.start().then(kick);
  return {
    close: async () => {
      await listener.close();
      await running;
    },
  };
}
