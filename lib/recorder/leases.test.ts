/**
 * The fleet's lease bookkeeping on the real database (lib/recorder/assign-session.ts, record-heartbeat.ts,
 * sweep-expired-leases.ts), with recorders that are only rows: assignment by load / capacity, renewal at the
 * current epoch, stale reports, takeover of expired leases (epoch + 1, or the same epoch for the recorder that
 * held it), the RECORDER_URL fallback and its claim, and a full fleet refusing. Time is moved by writing
 * `lastSeenAt` / `leaseExpiresAt` into the past, not by waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

process.env.RECORDER_URL = "http://127.0.0.1:9";
process.env.RECORDER_LEASE_SECONDS = "30";
process.env.RECORDER_SECRET ??= "leases-test-recorder-secret";

const stamp = Date.now();
const ids = { a: `lease-a-${stamp}`, b: `lease-b-${stamp}` };
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const { prisma } = await import("@/lib/db");
  const { assignSession } = await import("./assign-session");
  const { recordHeartbeat } = await import("./record-heartbeat");
  await prisma.recorder.deleteMany({});
  // Sessions earlier test files in this database left RECORDING would be swept too: they are nobody's here.
  await prisma.liveSession.updateMany({ where: { status: "RECORDING" }, data: { leaseExpiresAt: null } });
  const user = await prisma.user.create({
    data: { id: `lease-user-${stamp}`, name: "Lease", email: `lease-${stamp}@example.com` },
  });
  // One streamer per session: a streamer has one active live session at a time.
  let n = 0;
  const session = async () => {
    const streamer = await prisma.streamer.create({
      data: {
        userId: user.id,
        name: `Leases ${n++}`,
        kind: "URL",
        source: "https://example.com/live.m3u8",
        segmentSeconds: 30,
      },
    });
    return prisma.liveSession.create({ data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 30 } });
  };
  const beat = (id: string, sessions: { sessionId: string; epoch: number }[] = [], capacity = 2) =>
    recordHeartbeat({ recorderId: id, url: `http://127.0.0.1:9/${id}`, capacity, sessions });
  const lease = (id: string) =>
    prisma.liveSession.findUniqueOrThrow({
      where: { id },
      select: { recorderId: true, leaseEpoch: true, leaseExpiresAt: true },
    });
  const ago = (s: number) => new Date(Date.now() - s * 1000);
  return { prisma, user, session, beat, lease, ago, assignSession };
}

beforeAll(async () => {
  ctx = await setup();
});
afterAll(async () => {
  await ctx?.prisma.recorder.deleteMany({});
  await ctx?.prisma.user.deleteMany({ where: { id: ctx.user.id } });
});

describe("recorder leases", () => {
  it("falls back to RECORDER_URL with no recorder registered; the first heartbeat reporting it claims it", async () => {
    const s = await ctx.session();
    const got = await ctx.assignSession(s.id);
    expect([got.url, got.recorderId, got.lease]).toEqual([
      "http://127.0.0.1:9",
      null,
      { epoch: 1, nextNumber: 0, storedUntil: 0, startedAt: s.startedAt.getTime(), resume: false },
    ]);
    const answer = await ctx.beat(ids.a, [{ sessionId: s.id, epoch: 1 }]);
    expect(answer).toEqual({ heartbeatSeconds: 10, stale: [], assign: [] });
    expect(await ctx.lease(s.id)).toMatchObject({ recorderId: ids.a, leaseEpoch: 1 });
    await ctx.prisma.liveSession.update({ where: { id: s.id }, data: { status: "ENDED" } });
  });

  it("assigns by load / capacity, continues numbering, renews at the current epoch, and calls an older one stale", async () => {
    await ctx.beat(ids.b);
    const [s1, s2, s3] = [await ctx.session(), await ctx.session(), await ctx.session()];
    // Two segments stored before this assignment: the lease says where to go on.
    await ctx.prisma.segment.createMany({
      data: [0, 1].map((n) => ({
        userId: ctx.user.id,
        sessionId: s1.id,
        number: n,
        startOffset: n * 30,
        duration: 30,
        storageKey: `sessions/${s1.id}/segments/0000${n}.ts`,
        status: "READY" as const,
      })),
    });
    const first = await ctx.assignSession(s1.id);
    expect(first.lease).toMatchObject({ epoch: 1, nextNumber: 2, storedUntil: 60 });
    const second = await ctx.assignSession(s2.id);
    expect(new Set([first.recorderId, second.recorderId])).toEqual(new Set([ids.a, ids.b]));
    const third = await ctx.assignSession(s3.id);
    expect([ids.a, ids.b]).toContain(third.recorderId);

    const owner = first.recorderId!;
    const before = (await ctx.lease(s1.id)).leaseExpiresAt!;
    await new Promise((r) => setTimeout(r, 20));
    await ctx.beat(owner, [{ sessionId: s1.id, epoch: 1 }]);
    expect((await ctx.lease(s1.id)).leaseExpiresAt!.getTime()).toBeGreaterThan(before.getTime());
    const stale = await ctx.beat(owner, [{ sessionId: s1.id, epoch: 0 }]);
    expect(stale.stale).toEqual([s1.id]);
    expect(stale.assign.map((r) => r.sessionId)).not.toContain(s1.id); // reported, so not handed over again
    // Leased to it but not reported (a restart): handed back as a start request carrying the lease.
    const restarted = await ctx.beat(owner);
    expect(restarted.assign.find((r) => r.sessionId === s1.id)).toMatchObject({
      sessionId: s1.id,
      source: { kind: "url", url: "https://example.com/live.m3u8" },
      lease: { epoch: 1, nextNumber: 2, storedUntil: 60, resume: true },
    });
    for (const s of [s1, s2, s3])
      await ctx.prisma.liveSession.update({ where: { id: s.id }, data: { status: "ENDED" } });
  });

  it("moves an expired lease to a live recorder with the next epoch, and back to its own holder at the same epoch", async () => {
    const s = await ctx.session();
    const got = await ctx.assignSession(s.id);
    const holder = got.recorderId!;
    const other = holder === ids.a ? ids.b : ids.a;
    // The holder went silent: its lease ran out.
    await ctx.prisma.recorder.update({ where: { id: holder }, data: { lastSeenAt: ctx.ago(60) } });
    await ctx.prisma.liveSession.update({ where: { id: s.id }, data: { leaseExpiresAt: ctx.ago(1) } });
    // Room for every expired lease.
    const answer = await ctx.beat(other, [], 10_000);
    expect(await ctx.lease(s.id)).toMatchObject({ recorderId: other, leaseEpoch: got.lease.epoch + 1 });
    expect(answer.assign.map((r) => [r.sessionId, r.lease?.epoch])).toContainEqual([s.id, got.lease.epoch + 1]);
    // The former holder wakes up still reporting it: stale.
    const woke = await ctx.beat(holder, [{ sessionId: s.id, epoch: got.lease.epoch }]);
    expect(woke.stale).toEqual([s.id]);

    // The new holder's own lease runs out while nobody else is live: it gets the session back, same epoch.
    await ctx.prisma.recorder.update({ where: { id: holder }, data: { lastSeenAt: ctx.ago(60) } });
    await ctx.prisma.liveSession.update({ where: { id: s.id }, data: { leaseExpiresAt: ctx.ago(1) } });
    const back = await ctx.beat(other, [], 10_000);
    expect(await ctx.lease(s.id)).toMatchObject({ recorderId: other, leaseEpoch: got.lease.epoch + 1 });
    expect(back.assign.map((r) => r.sessionId)).toContain(s.id);
    await ctx.prisma.liveSession.update({ where: { id: s.id }, data: { status: "ENDED" } });
  });

  it("refuses a new session when every live recorder is full", async () => {
    await ctx.prisma.recorder.deleteMany({});
    await ctx.beat(ids.a, [], 10_000);
    // Room for exactly one more session than it holds.
    const held = await ctx.prisma.liveSession.count({ where: { recorderId: ids.a, status: "RECORDING" } });
    await ctx.beat(ids.a, [], held + 1);
    const [s1, s2] = [await ctx.session(), await ctx.session()];
    expect((await ctx.assignSession(s1.id)).recorderId).toBe(ids.a);
    await expect(ctx.assignSession(s2.id)).rejects.toThrow("every live recorder is at capacity");
    expect(await ctx.lease(s2.id)).toMatchObject({ recorderId: null, leaseEpoch: 0 });
  });
});
