/**
 * The push channel (docs/decisions/011) end to end: the app's real GET /api/events on the route test server,
 * real better-auth sessions, real PostgreSQL with the migration's row triggers. A clip's status change reaches
 * its owner's open stream and nobody else's; signed out → 401; past 8 open streams a user gets 429, and a
 * closed stream frees its place.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, loadApiRoutes, startRouteServer } from "./app-server";
import { openSse, type TSseClient } from "./fixtures/sse-client";
import { signUpViaApi, waitFor } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "push-"));
const stamp = Date.now();
let ctx: Awaited<ReturnType<typeof setup>>;
const open: TSseClient[] = [];

async function setup() {
  const [appPort, runnerPort] = await freePorts(2);
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "push-test-recorder-secret";
  const { prisma } = await import("@/lib/db");
  const server = await startRouteServer(await loadApiRoutes(), appPort);
  const signUp = (name: string, ip: string) =>
    signUpViaApi(server.url, { email: `${name}-${stamp}@example.com`, password: "push-pass-1234", name, ip });
  const erin = await signUp("erin", "10.6.0.1");
  const frank = await signUp("frank", "10.6.0.2");
  const streamer = await prisma.streamer.create({
    data: { userId: erin.id, name: "Erin live", kind: "URL", source: "https://93.184.215.14/e.m3u8", monitored: false },
  });
  const session = await prisma.liveSession.create({
    data: { userId: erin.id, streamerId: streamer.id, segmentSeconds: 30 },
  });
  const clip = await prisma.clip.create({
    data: {
      userId: erin.id,
      streamerId: streamer.id,
      sessionId: session.id,
      detectionKey: "push-1",
      startTime: 2,
      endTime: 14,
      title: "Erin's moment",
      reason: "r",
      score: 80,
      engine: "test",
      status: "RENDERING",
    },
  });
  return { prisma, server, erin, frank, session, clip };
}

const events = async (as?: { cookie: string }) => {
  const c = await openSse(`${ctx.server.url}/api/events`, as ? { cookie: as.cookie } : {});
  open.push(c);
  return c;
};

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  for (const c of open) c.close();
  await ctx?.server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("GET /api/events (Server-Sent Events)", () => {
  it("streams a clip turning READY to its owner, and nothing of it to another user", async () => {
    const erin = await events(ctx.erin);
    const frank = await events(ctx.frank);
    expect(erin.status).toBe(200);
    await erin.waitFor((f) => f.event === "ready", 10_000, "erin's stream ready");
    await frank.waitFor((f) => f.event === "ready", 10_000, "frank's stream ready");

    await ctx.prisma.clip.update({ where: { id: ctx.clip.id }, data: { status: "READY" } });
    const change = await erin.waitFor(
      (f) => f.event === "change" && (f.data as { id: string }).id === ctx.clip.id,
      5_000,
      "the clip's change on erin's stream",
    );
    expect(change.data).toEqual({
      table: "Clip",
      op: "UPDATE",
      id: ctx.clip.id,
      sessionId: ctx.session.id,
      status: "READY",
    });

    // Frank's stream is open and working (his own change arrives), but never carried Erin's.
    const mine = await ctx.prisma.streamer.create({
      data: {
        userId: ctx.frank.id,
        name: "Frank",
        kind: "URL",
        source: "https://93.184.215.14/f.m3u8",
        monitored: false,
      },
    });
    await frank.waitFor((f) => (f.data as { id?: string }).id === mine.id, 5_000, "frank's own change");
    expect(frank.frames.filter((f) => f.event === "change").map((f) => (f.data as { id: string }).id)).toEqual([
      mine.id,
    ]);
    for (const secret of [ctx.erin.id, ctx.clip.id, ctx.session.id]) expect(frank.text()).not.toContain(secret);
    expect(erin.text()).not.toContain(ctx.erin.id); // userId is routing, not payload
  });

  it("pushes a streamer's first live check (the page shows checking… until then), not the 30-s checks after it", async () => {
    const erin = await events(ctx.erin);
    await erin.waitFor((f) => f.event === "ready", 10_000, "erin's stream ready");
    const s = await ctx.prisma.streamer.create({
      data: { userId: ctx.erin.id, name: "Checked", kind: "URL", source: "https://93.184.215.14/c.m3u8" },
    });
    const mine = (f: { event?: string; data: unknown }) =>
      f.event === "change" && (f.data as { id?: string }).id === s.id;
    await erin.waitFor(mine, 5_000, "the insert");
    await ctx.prisma.streamer.update({ where: { id: s.id }, data: { lastCheckedAt: new Date() } });
    await erin.waitFor((f) => mine(f) && erin.frames.filter(mine).length === 2, 5_000, "the first check");
    await ctx.prisma.streamer.update({ where: { id: s.id }, data: { lastCheckedAt: new Date() } });
    // A marker change after the second check: once it arrives, the check (sent before it) would have too.
    await ctx.prisma.streamer.update({ where: { id: s.id }, data: { name: "Checked twice" } });
    await erin.waitFor((f) => mine(f) && erin.frames.filter(mine).length >= 3, 5_000, "the rename");
    expect(erin.frames.filter(mine)).toHaveLength(3);
  });

  it("signed out → 401 with the error shape", async () => {
    const c = await events();
    expect([c.status, c.json]).toEqual([401, { error: { code: "unauthorized", message: "Sign in to continue." } }]);
  });

  it("a 9th open stream of one user → 429; closing one frees its place", async () => {
    for (const c of open.splice(0)) c.close();
    const { getPushHub } = await import("@/lib/push/get-push-hub");
    await waitFor(async () => getPushHub().count(ctx.erin.id) === 0, 5_000, "closed streams to unsubscribe");

    const streams = [];
    for (let i = 0; i < 8; i++) streams.push(await events(ctx.erin));
    expect(streams.map((s) => s.status)).toEqual(Array(8).fill(200));
    const ninth = await events(ctx.erin);
    expect([ninth.status, ninth.json]).toEqual([
      429,
      { error: { code: "rate_limited", message: "At most 8 live update streams at once." } },
    ]);
    expect((await events(ctx.frank)).status).toBe(200); // the cap is per user
    // However many streams, the process LISTENs on one connection.
    const listening = await ctx.prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM pg_stat_activity
      WHERE datname = current_database() AND query ILIKE 'LISTEN%clipstream_push%'`;
    expect(Number(listening[0].n)).toBe(1);

    streams[0].close();
    await waitFor(async () => getPushHub().count(ctx.erin.id) === 7, 5_000, "the closed stream to unsubscribe");
    expect((await events(ctx.erin)).status).toBe(200);
  });
});
