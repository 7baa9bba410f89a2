import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { TEST_EVENT } from "./event-types";
import { eventData } from "./events";
import { guardedPost } from "./guarded-post";
import { signatureHeaders } from "./sign";

export const DELIVERY_TIMEOUT_MS = 10_000;

/** An attempt the endpoint did not take (non-2xx, redirect, timeout, refused): the function retries it. */
export class DeliveryAttemptFailed extends Error {
  override name = "DeliveryAttemptFailed";
}

/**
 * One attempt of a delivery: the body is made at the first attempt and kept, signed afresh with the endpoint's
 * current secret, and POSTed (no redirects, private addresses refused unless ALLOW_PRIVATE_SOURCES, 10 s).
 * Each attempt is logged on the row. A 2xx answer delivers it; anything else throws DeliveryAttemptFailed.
 * A delivery already settled, or whose endpoint is gone, is left as it is; one to a disabled endpoint fails
 * (a test delivery is sent anyway).
 */
export async function attemptDelivery(deliveryId: string): Promise<{ outcome: string; status?: number }> {
  const d = await prisma.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { endpoint: true } });
  if (!d) return { outcome: "gone" };
  if (d.status !== "PENDING") return { outcome: d.status.toLowerCase() };
  if (!d.endpoint.enabled && d.type !== TEST_EVENT) {
    await prisma.webhookDelivery.updateMany({
      where: { id: d.id, status: "PENDING" },
      data: { status: "FAILED", lastError: "The endpoint is disabled." },
    });
    return { outcome: "disabled" };
  }
  let body = d.payload;
  if (body === null) {
    const data = await eventData(d.type, d.objectId, d.userId);
    body = JSON.stringify({ type: d.type, timestamp: d.createdAt.toISOString(), data });
    await prisma.webhookDelivery.update({ where: { id: d.id }, data: { payload: body } });
  }
  const at = new Date();
  const res = await guardedPost(
    d.endpoint.url,
    body,
    {
      "content-type": "application/json",
      "user-agent": "Clipstream-Webhooks/1",
      ...signatureHeaders(d.endpoint.secret, `msg_${d.id}`, at, body),
    },
    { allowPrivate: env.ALLOW_PRIVATE_SOURCES, timeoutMs: DELIVERY_TIMEOUT_MS },
  );
  const ok = res.status !== null && res.status >= 200 && res.status < 300;
  const error =
    res.status === null
      ? res.error
      : ok
        ? null
        : res.status >= 300 && res.status < 400
          ? `Answered ${res.status} (redirects are not followed).`
          : `Answered ${res.status}.`;
  await prisma.webhookDelivery.update({
    where: { id: d.id },
    data: {
      attempts: { increment: 1 },
      lastStatus: res.status,
      lastError: error?.slice(0, 300) ?? null,
      lastAttemptAt: at,
      ...(ok ? { status: "DELIVERED", deliveredAt: at } : {}),
    },
  });
  if (!ok) throw new DeliveryAttemptFailed(error!);
  return { outcome: "delivered", status: res.status! };
}

/** Every attempt failed: the delivery is FAILED (its last error stays). */
export async function failDelivery(deliveryId: string): Promise<void> {
  await prisma.webhookDelivery.updateMany({ where: { id: deliveryId, status: "PENDING" }, data: { status: "FAILED" } });
}
