/**
 * Per-account quotas (issue 21.8) on the real routes, better-auth sessions and PostgreSQL: streamers per
 * account, stored bytes (a clip, trim or export past it is refused), and streams recorded at once (a stream
 * that goes live past it is not recorded, and the streamer says why). Each refusal is a 403 `quota_exceeded`
 * that saves nothing, and the quota is per account: another user is not affected.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, loadApiRoutes } from "./app-server";
import { startAppWithRunner } from "./fixtures/app-with-runner";
import { makeToneSegment, signUpViaApi } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "quotas-"));
const stamp = Date.now();
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const [appPort, runnerPort, recorderPort] = await freePorts(3);
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  // Nothing listens here: a recording that gets past the quotas fails to start, visibly.
  process.env.RECORDER_URL = `http://127.0.0.1:${recorderPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "quotas-test-recorder-secret";
  process.env.QUOTA_STREAMERS = "2";
  process.env.QUOTA_RECORDINGS = "1";
  process.env.QUOTA_STORAGE_GB = "0.00001"; // 10 kB
  const { prisma, server, runner } = await startAppWithRunner({ routes: await loadApiRoutes(), appPort, runnerPort });
  const signUp = (name: string, ip: string) =>
    signUpViaApi(server.url, { email: `${name}-${stamp}@example.com`, password: "quota-pass-123", name, ip });
  return { prisma, server, runner, gail: await signUp("gail", "10.8.0.1"), hank: await signUp("hank", "10.8.0.2") };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  await ctx?.prisma.user.deleteMany({ where: { id: { in: [ctx.gail.id, ctx.hank.id] } } });
  await ctx?.runner.stop();
  await ctx?.server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function call(method: string, p: string, as: { cookie: string }, json?: unknown) {
  const res = await fetch(`${ctx.server.url}${p}`, {
    method,
    headers: { cookie: as.cookie, "content-type": "application/json", origin: ctx.server.url },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, json: (await res.json().catch(() => null)) as unknown };
}

const quota = (message: string) => ({ error: { code: "quota_exceeded", message } });

async function sessionWithClip(userId: string, clipBytes: number, segmentBytes: number) {
  const streamer = await ctx.prisma.streamer.create({
    data: { userId, name: "stored", kind: "URL", source: `https://93.184.215.14/${userId}.m3u8`, monitored: false },
  });
  const session = await ctx.prisma.liveSession.create({
    data: { userId, streamerId: streamer.id, segmentSeconds: 30, status: "ENDED" },
  });
  const segment = await ctx.prisma.segment.create({
    data: {
      userId,
      sessionId: session.id,
      number: 0,
      startOffset: 0,
      duration: 30,
      status: "DONE",
      storageKey: `sessions/${session.id}/seg-0.ts`,
      sizeBytes: segmentBytes,
    },
  });
  const clip = await ctx.prisma.clip.create({
    data: {
      userId,
      streamerId: streamer.id,
      sessionId: session.id,
      detectionKey: "k",
      startTime: 2,
      endTime: 14,
      title: "Stored moment",
      reason: "loud",
      score: 80,
      engine: "test",
      status: "READY",
      videoKey: `clips/${stamp}/q.mp4`,
      sizeBytes: clipBytes,
    },
  });
  return { streamer, session, segment, clip };
}

describe("per-account quotas", () => {
  it("streamers: the third is refused with 403 quota_exceeded and not saved; another account may still add", async () => {
    for (const n of [1, 2]) {
      const r = await call("POST", "/api/streamers", ctx.gail, { source: `https://93.184.215.14/g${n}.m3u8` });
      expect(r.status).toBe(201);
    }
    const third = await call("POST", "/api/streamers", ctx.gail, { source: "https://93.184.215.14/g3.m3u8" });
    expect([third.status, third.json]).toEqual([
      403,
      quota("This account has 2 streamers, the most this server allows: remove one to add another."),
    ]);
    expect(await ctx.prisma.streamer.count({ where: { userId: ctx.gail.id } })).toBe(2);
    const other = await call("POST", "/api/streamers", ctx.hank, { source: "https://93.184.215.14/h1.m3u8" });
    expect(other.status).toBe(201);
    await ctx.prisma.streamer.deleteMany({ where: { userId: { in: [ctx.gail.id, ctx.hank.id] } } });
  });

  it("storage: past it, a manual clip, a trim and an export are refused and nothing is saved; purged recordings free it", async () => {
    // 4 kB of clip + 7 kB of recording = 11 kB, past the 10-kB quota.
    const { session, segment, clip } = await sessionWithClip(ctx.gail.id, 4_000, 7_000);
    const full = quota(
      "This account's storage is full (11 kB of 10 kB): delete clips or exports, or wait for old recordings to be purged.",
    );
    const tries: [string, string, unknown][] = [
      ["POST", `/api/sessions/${session.id}/clips`, { start: 3, end: 9 }],
      ["POST", `/api/sessions/${session.id}/clips`, { last: 10 }],
      ["POST", `/api/clips/${clip.id}/trim`, { start: 3, end: 12 }],
      ["POST", "/api/exports", { clipIds: [clip.id], preset: "tiktok" }],
    ];
    for (const [method, p, body] of tries) {
      const r = await call(method, p, ctx.gail, body);
      expect([p, r.status, r.json]).toEqual([p, 403, full]);
    }
    expect(await ctx.prisma.clip.count({ where: { sessionId: session.id } })).toBe(1);
    expect(await ctx.prisma.clip.findUniqueOrThrow({ where: { id: clip.id } })).toMatchObject({
      trimStart: null,
      trimEnd: null,
    });
    expect(await ctx.prisma.clipExport.count({ where: { clipId: clip.id } })).toBe(0);

    // Retention purged the recording: 4 kB left, so an export is accepted again.
    await ctx.prisma.segment.update({ where: { id: segment.id }, data: { deletedAt: new Date() } });
    const ok = await call("POST", "/api/exports", ctx.gail, { clipIds: [clip.id], preset: "tiktok" });
    expect(ok.status).toBe(202);
    await ctx.prisma.streamer.deleteMany({ where: { userId: ctx.gail.id } });
  });

  it("recordings at once: a second live stream is not recorded, with the reason shown; once the first ends it is", async () => {
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    const file = makeToneSegment(path.join(tmp, "live.ts"), 2);
    const mk = (name: string, source: string) =>
      ctx.prisma.streamer.create({ data: { userId: ctx.hank.id, name, kind: "URL", source, monitored: true } });
    const first = await mk("first", `file://${tmp}/first.ts`);
    const second = await mk("second", `file://${file}`);
    const recording = await ctx.prisma.liveSession.create({
      data: { userId: ctx.hank.id, streamerId: first.id, segmentSeconds: 30 },
    });
    const refusal = "Live, not recorded: this account already records 1 stream at once, the most this server allows.";
    expect(await checkStreamer(second.id, ctx.hank.id)).toEqual({ status: "error", detail: refusal, quota: true });
    // Record now says the same, as 403 quota_exceeded.
    const { startRecordingNow } = await import("@/lib/recording/recording-control");
    await expect(startRecordingNow(ctx.hank.id, second.id)).rejects.toMatchObject({
      code: "quota_exceeded",
      message: refusal,
    });
    expect(await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({
      status: "ERROR",
      lastError: refusal,
    });
    // So does a replay, which is a recording too.
    const { startReplay } = await import("@/lib/recording/replay");
    await expect(
      startReplay(ctx.hank.id, second.id, { url: "https://example.com/vod.m3u8" }, "fast"),
    ).rejects.toMatchObject({
      code: "quota_exceeded",
      message: "This account already records 1 stream at once, the most this server allows.",
    });
    expect(await ctx.prisma.liveSession.count({ where: { streamerId: second.id } })).toBe(0);

    // The first recording ends: the next check gets past the quota and asks the recorder (not running here).
    await ctx.prisma.liveSession.update({ where: { id: recording.id }, data: { status: "ENDED" } });
    await expect(checkStreamer(second.id, ctx.hank.id)).rejects.toThrow(/could not start recording/);
    expect(
      await ctx.prisma.liveSession.findMany({
        where: { streamerId: second.id },
        select: { status: true, endReason: true },
      }),
    ).toEqual([{ status: "FAILED", endReason: "recorder_unavailable" }]);
  });
});
