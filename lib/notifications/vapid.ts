import webpush from "web-push";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";

export type TVapidKeys = { publicKey: string; privateKey: string };

const NAME = "vapid";
let cached: TVapidKeys | null = null;

/**
 * The server's VAPID key pair (P-256, base64url): made the first time anything needs it and kept in the database
 * (ServerKey), so every web and worker process, and every restart, signs with the same key and browsers'
 * subscriptions stay valid. Two processes racing at first use keep whichever was stored first.
 */
export async function vapidKeys(): Promise<TVapidKeys> {
  if (cached) return cached;
  const existing = await prisma.serverKey.findUnique({ where: { name: NAME } });
  if (!existing) {
    const fresh = webpush.generateVAPIDKeys();
    await prisma.serverKey.createMany({ data: [{ name: NAME, value: JSON.stringify(fresh) }], skipDuplicates: true });
  }
  const row = await prisma.serverKey.findUniqueOrThrow({ where: { name: NAME } });
  cached = JSON.parse(row.value) as TVapidKeys;
  return cached;
}

/** Who the push services may contact about this server's pushes: VAPID_SUBJECT, else APP_URL when https. */
export function vapidSubject(): string {
  if (env.VAPID_SUBJECT) return env.VAPID_SUBJECT;
  const app = new URL(env.APP_URL);
  return app.protocol === "https:" ? app.origin : "mailto:clipstream@localhost.localdomain";
}
