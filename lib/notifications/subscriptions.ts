import { z } from "zod";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { hostIsPrivate } from "@/lib/net/private-address";
import { vapidKeys } from "./vapid";

const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** A browser's PushSubscription.toJSON(), as the page posts it. */
export const ZPushSubscription = z
  .object({
    endpoint: z.string().url().max(2000),
    expirationTime: z.number().nullable().optional(),
    keys: z
      .object({
        // An uncompressed P-256 point (65 bytes) and a 16-byte secret, base64url.
        p256dh: z.string().regex(B64URL).min(80).max(100),
        auth: z.string().regex(B64URL).min(16).max(32),
      })
      .strict(),
  })
  .strict();
export const ZPushUnsubscribe = z.object({ endpoint: z.string().url().max(2000) }).strict();

export const MAX_SUBSCRIPTIONS_PER_USER = 20;

/** What the page needs: the server's public key, and how many devices of the account get pushes. */
export async function pushStatus(userId: string) {
  const [{ publicKey }, devices] = await Promise.all([
    vapidKeys(),
    prisma.pushSubscription.count({ where: { userId } }),
  ]);
  return { publicKey, devices };
}

/**
 * Keeps a browser's subscription for the account (the same endpoint signed in as someone else moves to this
 * account: one browser, one owner). Its endpoint must be an https URL on a public host (push services are), as
 * the SSRF guard has it, unless ALLOW_PRIVATE_SOURCES.
 */
export async function saveSubscription(userId: string, input: z.input<typeof ZPushSubscription>, userAgent: string) {
  const sub = ZPushSubscription.parse(input);
  const url = new URL(sub.endpoint);
  if (!env.ALLOW_PRIVATE_SOURCES) {
    if (url.protocol !== "https:") throw new AppError("invalid_input", "endpoint: push services are https.");
    if (await hostIsPrivate(url.hostname)) {
      throw new AppError("invalid_input", `endpoint: ${url.hostname} is on a private network.`);
    }
  }
  const mine = await prisma.pushSubscription.count({ where: { userId, NOT: { endpoint: sub.endpoint } } });
  if (mine >= MAX_SUBSCRIPTIONS_PER_USER) {
    throw new AppError(
      "quota_exceeded",
      `At most ${MAX_SUBSCRIPTIONS_PER_USER} devices per account get notifications.`,
    );
  }
  const data = { userId, p256dh: sub.keys.p256dh, auth: sub.keys.auth, userAgent: userAgent.slice(0, 200) };
  await prisma.pushSubscription.upsert({
    where: { endpoint: sub.endpoint },
    create: { ...data, endpoint: sub.endpoint },
    update: data,
  });
  return pushStatus(userId);
}

/** Forgets this browser's subscription (only the caller's own). */
export async function removeSubscription(userId: string, input: z.input<typeof ZPushUnsubscribe>) {
  const { endpoint } = ZPushUnsubscribe.parse(input);
  const { count } = await prisma.pushSubscription.deleteMany({ where: { endpoint, userId } });
  if (count === 0) throw new AppError("not_found", "This device does not get notifications.");
  return pushStatus(userId);
}
