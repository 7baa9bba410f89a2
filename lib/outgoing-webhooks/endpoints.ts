import crypto from "node:crypto";
import { z } from "zod";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { hostIsPrivate } from "@/lib/net/private-address";
import { requestDeliveries } from "./dispatch";
import { TEST_EVENT, WEBHOOK_EVENTS } from "./event-types";

export const MAX_ENDPOINTS_PER_USER = 20;

const ZUrl = z
  .string()
  .trim()
  .max(2000)
  .url("Enter the endpoint's full URL (https://…).")
  .refine((u) => !URL.canParse(u) || /^https?:$/.test(new URL(u).protocol), "Webhook URLs are http:// or https://.");
const ZEvents = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1, "Choose at least one event.")
  .transform((e) => [...new Set(e)]);

export const ZCreateEndpoint = z
  .object({ url: ZUrl, description: z.string().trim().max(100).default(""), events: ZEvents })
  .strict();
export const ZUpdateEndpoint = z
  .object({ url: ZUrl, description: z.string().trim().max(100), events: ZEvents, enabled: z.boolean() })
  .partial()
  .strict();

export type TWebhookEndpoint = {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  createdAt: string;
  /** The latest delivery's outcome, for the list. */
  lastDelivery: { status: string; lastStatus: number | null; at: string } | null;
};

export type TWebhookDelivery = {
  id: string;
  type: string;
  status: "PENDING" | "DELIVERED" | "FAILED";
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
};

/** whsec_ + 32 random bytes, base64: the Standard Webhooks secret form its verifiers take as is. */
export function newEndpointSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString("base64")}`;
}

/** The same SSRF rule as stream sources: no private addresses unless ALLOW_PRIVATE_SOURCES. */
async function assertPublic(url: string) {
  if (env.ALLOW_PRIVATE_SOURCES) return;
  const host = new URL(url).hostname;
  if (await hostIsPrivate(host)) {
    throw new AppError("invalid_input", `url: ${host} is on a private network; webhooks go to public addresses only.`);
  }
}

async function owned(userId: string, id: string) {
  const e = await prisma.webhookEndpoint.findFirst({ where: { id, userId } });
  if (!e) throw new AppError("not_found", "Webhook endpoint not found.");
  return e;
}

function present(
  e: { id: string; url: string; description: string; events: string[]; enabled: boolean; createdAt: Date },
  last?: { status: string; lastStatus: number | null; lastAttemptAt: Date | null; createdAt: Date } | null,
): TWebhookEndpoint {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    enabled: e.enabled,
    createdAt: e.createdAt.toISOString(),
    lastDelivery: last
      ? { status: last.status, lastStatus: last.lastStatus, at: (last.lastAttemptAt ?? last.createdAt).toISOString() }
      : null,
  };
}

export async function listEndpoints(userId: string): Promise<TWebhookEndpoint[]> {
  const rows = await prisma.webhookEndpoint.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    include: {
      deliveries: {
        orderBy: { createdAt: "desc" },
        take: 1,
        select: { status: true, lastStatus: true, lastAttemptAt: true, createdAt: true },
      },
    },
  });
  return rows.map((e) => present(e, e.deliveries[0]));
}

/** A new endpoint; the answer is the only one holding its secret (a new one can be made later). */
export async function createEndpoint(userId: string, input: z.input<typeof ZCreateEndpoint>) {
  const data = ZCreateEndpoint.parse(input);
  await assertPublic(data.url);
  if ((await prisma.webhookEndpoint.count({ where: { userId } })) >= MAX_ENDPOINTS_PER_USER) {
    throw new AppError("quota_exceeded", `At most ${MAX_ENDPOINTS_PER_USER} webhook endpoints per account.`);
  }
  const secret = newEndpointSecret();
  const e = await prisma.webhookEndpoint.create({ data: { ...data, userId, secret } });
  return { endpoint: present(e), secret };
}

export async function updateEndpoint(userId: string, id: string, input: z.input<typeof ZUpdateEndpoint>) {
  const data = ZUpdateEndpoint.parse(input);
  await owned(userId, id);
  if (data.url) await assertPublic(data.url);
  const e = await prisma.webhookEndpoint.update({ where: { id }, data });
  return present(e);
}

export async function deleteEndpoint(userId: string, id: string) {
  await owned(userId, id);
  await prisma.webhookEndpoint.delete({ where: { id } });
}

/** Replaces the signing secret; deliveries from now on are signed with the new one, shown once. */
export async function rollSecret(userId: string, id: string) {
  await owned(userId, id);
  const secret = newEndpointSecret();
  await prisma.webhookEndpoint.update({ where: { id }, data: { secret } });
  return { secret };
}

/** The endpoint's 50 latest deliveries, newest first. */
export async function listDeliveries(userId: string, id: string): Promise<TWebhookDelivery[]> {
  await owned(userId, id);
  const rows = await prisma.webhookDelivery.findMany({
    where: { endpointId: id },
    orderBy: { createdAt: "desc" },
    take: 50,
  });
  return rows.map((d) => ({
    id: d.id,
    type: d.type,
    status: d.status,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  }));
}

/** "Send test": a webhook.test delivery to this endpoint alone (enabled or not), sent at once. */
export async function sendTest(userId: string, id: string) {
  const e = await owned(userId, id);
  const d = await prisma.webhookDelivery.create({
    data: {
      userId,
      endpointId: e.id,
      type: TEST_EVENT,
      eventKey: `${TEST_EVENT}:${crypto.randomUUID()}`,
      objectId: e.id,
    },
  });
  await requestDeliveries();
  return { deliveryId: d.id };
}
