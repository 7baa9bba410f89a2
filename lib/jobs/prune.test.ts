/** The embedded runner's pruning, on real PostgreSQL: what a finished past leaves goes, nothing live does. */
import { beforeAll, describe, expect, it } from "vitest";

let prisma: (typeof import("@/lib/db"))["prisma"];
let pruneFinished: (typeof import("./store"))["pruneFinished"];

beforeAll(async () => {
  ({ prisma } = await import("@/lib/db"));
  ({ pruneFinished } = await import("./store"));
});

describe("pruneFinished", () => {
  it("deletes finished runs and unreferenced events older than the cutoff, and expired dedup keys; keeps the rest", async () => {
    const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
    const day = 86_400_000;
    const now = Date.now();
    const at = (ago: number) => new Date(now - ago);
    const event = (id: string, ago: number) =>
      prisma.jobEvent.create({
        data: { id: `${id}-${stamp}`, name: "t/e", data: {}, ts: at(ago), receivedAt: at(ago) },
      });
    const run = (
      id: string,
      eventId: string,
      status: "COMPLETED" | "FAILED" | "RUNNING" | "SLEEPING",
      endedAgo?: number,
    ) =>
      prisma.jobRun.create({
        data: {
          id: `${id}-${stamp}`,
          functionId: "t-prune",
          eventId: `${eventId}-${stamp}`,
          event: {},
          status,
          maxAttempts: 1,
          endedAt: endedAgo === undefined ? null : at(endedAgo),
        },
      });
    await event("e-old-done", 5 * day);
    await event("e-old-failed", 5 * day);
    await event("e-old-live", 5 * day);
    await event("e-old-orphan", 5 * day);
    await event("e-new-done", 1000);
    await event("e-new-orphan", 1000);
    await run("r-old-done", "e-old-done", "COMPLETED", 4 * day);
    await run("r-old-failed", "e-old-failed", "FAILED", 4 * day);
    await run("r-old-live", "e-old-live", "SLEEPING");
    await run("r-new-done", "e-new-done", "COMPLETED", 1000);
    await prisma.jobEventKey.createMany({
      data: [
        { key: `k-expired-${stamp}`, eventId: "x", expiresAt: at(1000) },
        { key: `k-live-${stamp}`, eventId: "x", expiresAt: new Date(now + day) },
      ],
    });

    const gone = await pruneFinished(now - 3 * day, 1);
    expect(gone.runs).toBeGreaterThanOrEqual(2);
    expect(gone.events).toBeGreaterThanOrEqual(3);
    const runs = await prisma.jobRun.findMany({ where: { id: { endsWith: stamp } }, select: { id: true } });
    expect(runs.map((r) => r.id.replace(`-${stamp}`, "")).sort()).toEqual(["r-new-done", "r-old-live"]);
    const events = await prisma.jobEvent.findMany({ where: { id: { endsWith: stamp } }, select: { id: true } });
    expect(events.map((e) => e.id.replace(`-${stamp}`, "")).sort()).toEqual([
      "e-new-done",
      "e-new-orphan",
      "e-old-live",
    ]);
    const keys = await prisma.jobEventKey.findMany({ where: { key: { endsWith: stamp } }, select: { key: true } });
    expect(keys.map((k) => k.key)).toEqual([`k-live-${stamp}`]);
    await prisma.jobRun.deleteMany({ where: { id: { endsWith: stamp } } });
    await prisma.jobEvent.deleteMany({ where: { id: { endsWith: stamp } } });
    await prisma.jobEventKey.deleteMany({ where: { key: { endsWith: stamp } } });
  });
});
