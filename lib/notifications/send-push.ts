import webpush from "web-push";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { guardedPost } from "@/lib/outgoing-webhooks/guarded-post";
import { vapidKeys, vapidSubject } from "./vapid";

/** A send where no device took the push and some may later: the function retries it. */
export class PushNotDelivered extends Error {
  override name = "PushNotDelivered";
}

/** What the service worker shows (public/sw.js): the clip's title, its streamer, and where a tap goes. */
export function pushPayload(clip: { id: string; title: string; score: number; streamer: { name: string } }) {
  return {
    title: `New clip from ${clip.streamer.name}`,
    body: `${clip.title} · score ${clip.score}`,
    url: `/clips/${clip.id}`,
    tag: `clip-${clip.id}`,
  };
}

/**
 * Sends one delivery's notification to every subscription of its owner: encrypted for each browser (RFC 8291,
 * aes128gcm) and signed with the server's VAPID key by web-push, POSTed like a webhook (no redirects, private
 * hosts refused unless ALLOW_PRIVATE_SOURCES, 10 s). A 404/410 answer means the browser dropped it: the
 * subscription is deleted. If no device took it and some failed otherwise, PushNotDelivered (retried).
 */
export async function sendPushDelivery(deliveryId: string): Promise<{ sent: number; removed: number; failed: number }> {
  const d = await prisma.pushDelivery.findUnique({ where: { id: deliveryId } });
  if (!d || d.status !== "PENDING") return { sent: 0, removed: 0, failed: 0 };
  const clip = await prisma.clip.findFirst({
    where: { id: d.clipId, userId: d.userId },
    select: { id: true, title: true, score: true, streamer: { select: { name: true } } },
  });
  const subs = await prisma.pushSubscription.findMany({ where: { userId: d.userId }, orderBy: { createdAt: "asc" } });
  if (!clip || !subs.length) {
    await prisma.pushDelivery.update({ where: { id: d.id }, data: { status: "SENT", lastError: "nothing to send" } });
    return { sent: 0, removed: 0, failed: 0 };
  }
  const keys = await vapidKeys();
  const payload = JSON.stringify(pushPayload(clip));
  let sent = 0;
  let removed = 0;
  const errors: string[] = [];
  for (const s of subs) {
    const req = webpush.generateRequestDetails(
      { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } },
      payload,
      {
        vapidDetails: { subject: vapidSubject(), publicKey: keys.publicKey, privateKey: keys.privateKey },
        TTL: 3600,
        urgency: "normal",
        topic: clip.id.slice(-32).replace(/[^A-Za-z0-9_-]/g, ""),
      },
    );
    const res = await guardedPost(req.endpoint, req.body as Buffer, req.headers as Record<string, string>, {
      allowPrivate: env.ALLOW_PRIVATE_SOURCES,
    });
    if (res.status !== null && res.status >= 200 && res.status < 300) {
      sent++;
      await prisma.pushSubscription.update({ where: { id: s.id }, data: { lastSuccessAt: new Date() } });
    } else if (res.status === 404 || res.status === 410) {
      removed++;
      await prisma.pushSubscription.deleteMany({ where: { id: s.id } });
    } else {
      errors.push(res.status === null ? res.error : `push service answered ${res.status}`);
    }
  }
  const done = sent > 0 || errors.length === 0;
  await prisma.pushDelivery.update({
    where: { id: d.id },
    data: {
      attempts: { increment: 1 },
      sent: { increment: sent },
      lastError: errors[0]?.slice(0, 300) ?? null,
      ...(done ? { status: "SENT" } : {}),
    },
  });
  if (!done) throw new PushNotDelivered(errors[0]);
  return { sent, removed, failed: errors.length };
}

export async function failPushDelivery(deliveryId: string) {
  await prisma.pushDelivery.updateMany({ where: { id: deliveryId, status: "PENDING" }, data: { status: "FAILED" } });
}
