/** Dispatch on real PostgreSQL: a send the job engine does not take releases what it claimed, for the next call. */
import { beforeAll, describe, expect, it } from "vitest";

let prisma: (typeof import("@/lib/db"))["prisma"];
let dispatchDeliveries: (typeof import("./dispatch"))["dispatchDeliveries"];

beforeAll(async () => {
  // Nothing listens here: every send fails.
  process.env.INNGEST_DEV = "http://127.0.0.1:9";
  ({ prisma } = await import("@/lib/db"));
  ({ dispatchDeliveries } = await import("./dispatch"));
});

describe("dispatchDeliveries", () => {
  it("leaves webhook and push deliveries unclaimed when the job engine cannot be reached", async () => {
    const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
    const user = await prisma.user.create({ data: { id: `dp-${stamp}`, name: "D", email: `dp-${stamp}@example.com` } });
    const endpoint = await prisma.webhookEndpoint.create({
      data: { userId: user.id, url: "https://93.184.215.14/h", events: ["clip.ready"], secret: "whsec_eA==" },
    });
    const hook = await prisma.webhookDelivery.create({
      data: { userId: user.id, endpointId: endpoint.id, type: "clip.ready", eventKey: `k-${stamp}`, objectId: "c" },
    });
    const push = await prisma.pushDelivery.create({ data: { userId: user.id, clipId: `clip-${stamp}` } });
    // Webhooks go first: their send fails, and they are released before anything else is claimed.
    await expect(dispatchDeliveries()).rejects.toThrow();
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: hook.id } })).enqueuedAt).toBeNull();
    expect((await prisma.pushDelivery.findUniqueOrThrow({ where: { id: push.id } })).enqueuedAt).toBeNull();
    // Without ours (others may wait in this database), the call fails again and the push delivery stays unclaimed.
    await prisma.webhookDelivery.delete({ where: { id: hook.id } });
    await expect(dispatchDeliveries()).rejects.toThrow();
    expect((await prisma.pushDelivery.findUniqueOrThrow({ where: { id: push.id } })).enqueuedAt).toBeNull();
    await prisma.user.delete({ where: { id: user.id } });
    await prisma.pushDelivery.delete({ where: { id: push.id } });
  });
});
