/**
 * checkStreamer for PUMPFUN streamers against the fake pump.fun API and a recorder stand-in that records the
 * control calls: go-live through the API, one session under overlapping checks, the recorder asked for a
 * pump.fun source, and a recording stopped only when the API says offline (not when it errors).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TRunner } from "@/lib/jobs/runner";
import { startFakePumpfun, type TFakePumpfun } from "@/test/fixtures/fake-pumpfun";

const MINT = "7GCihgDB8fe6KNjn2MYtkzZcRjQy3t9GHdC8uHYmW2hr";
let fake: TFakePumpfun;
let recorder: http.Server;
const recorderCalls: { method: string; url: string; body: unknown }[] = [];
/** Sessions the recorder stand-in answers 404 for on DELETE (it lost them). */
const unknownToRecorder = new Set<string>();
let runner: TRunner;

beforeAll(async () => {
  fake = await startFakePumpfun();
  recorder = http.createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    recorderCalls.push({ method: req.method!, url: req.url!, body: body ? JSON.parse(body) : null });
    if (req.method === "DELETE" && unknownToRecorder.has(decodeURIComponent(req.url!.split("/").at(-1)!))) {
      return res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { code: "not_found", message: "No such recording." } }));
    }
    res.writeHead(req.method === "DELETE" ? 202 : 201, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => recorder.listen(0, "127.0.0.1", () => r()));
  process.env.RECORDER_URL = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
  process.env.PUMPFUN_API_URL = fake.url;
  // Receives the app's events (session/ended); no app is served, so nothing runs them. Imported only now:
  // the runner reads lib/env, which takes PUMPFUN_API_URL once, when first imported.
  const { startRunner } = await import("@/lib/jobs/runner");
  runner = await startRunner({
    port: 0,
    serveUrl: "http://127.0.0.1:9/api/inngest",
    syncIntervalMs: 0,
    pollMs: 60_000,
  });
  process.env.INNGEST_DEV = runner.url;
});
afterAll(async () => {
  await runner.stop();
  await fake.close();
  await new Promise<void>((r) => recorder.close(() => r()));
});

/** Leaves nothing for other tests' pollers (shared database): sessions ended, streamers unmonitored. */
async function retire(userId: string) {
  const { prisma } = await import("@/lib/db");
  await prisma.liveSession.updateMany({
    where: { userId, status: "RECORDING" },
    data: { status: "ENDED", endedAt: new Date() },
  });
  await prisma.streamer.updateMany({ where: { userId }, data: { monitored: false } });
}

describe("checkStreamer for pump.fun", () => {
  it("goes live through the API, opens one session, and ends it only when pump.fun says offline", async () => {
    const { prisma } = await import("@/lib/db");
    const { checkStreamer } = await import("./check-streamer");
    const user = await prisma.user.create({
      data: { id: `u-pfc-${Date.now()}`, name: "P", email: `pfc-${Date.now()}@example.com` },
    });
    const streamer = await prisma.streamer.create({
      data: { userId: user.id, name: "coin", kind: "PUMPFUN", source: MINT, segmentSeconds: 10 },
    });

    // pump.fun failing: offline as far as we know, and the dashboard says why.
    fake.set(MINT, "error");
    expect(await checkStreamer(streamer.id, user.id)).toEqual({
      status: "offline",
      detail: "pump.fun is having trouble (HTTP 500).",
    });
    expect(await prisma.streamer.findUniqueOrThrow({ where: { id: streamer.id } })).toMatchObject({
      status: "OFFLINE",
      lastError: "pump.fun is having trouble (HTTP 500).",
    });

    fake.set(MINT, "offline");
    expect(await checkStreamer(streamer.id, user.id)).toEqual({
      status: "offline",
      detail: "pump.fun shows no stream for this coin",
    });
    expect(fake.calls.at(-1)).toBe(`GET /livestream?mintId=${MINT}`);
    expect(await prisma.streamer.findUniqueOrThrow({ where: { id: streamer.id } })).toMatchObject({
      status: "OFFLINE",
      lastError: null,
    });

    fake.set(MINT, "starting");
    const results = await Promise.all([1, 2, 3].map(() => checkStreamer(streamer.id, user.id)));
    expect(results.filter((r) => r.status === "live")).toHaveLength(1);
    const sessions = await prisma.liveSession.findMany({ where: { streamerId: streamer.id } });
    expect(sessions).toHaveLength(1);
    const starts = recorderCalls.filter((c) => c.method === "POST");
    expect(starts).toEqual([
      // Audio goes ahead in LIVE_CHUNK_SECONDS chunks whatever the segment length (liveChunkSeconds).
      {
        method: "POST",
        url: "/sessions",
        body: {
          sessionId: sessions[0].id,
          streamerId: streamer.id,
          source: { kind: "pumpfun", mint: MINT },
          segmentSeconds: 10,
          audioChunkSeconds: 5,
          // No fleet recorder registered: leased to RECORDER_URL (lib/recorder/assign-session.ts), epoch 1.
          lease: {
            epoch: 1,
            nextNumber: 0,
            storedUntil: 0,
            startedAt: sessions[0].startedAt.getTime(),
            resume: false,
          },
        },
      },
    ]);

    // pump.fun failing says nothing about the stream: the recording goes on.
    fake.set(MINT, "error");
    expect(await checkStreamer(streamer.id, user.id)).toEqual({ status: "recording", sessionId: sessions[0].id });
    fake.set(MINT, "live");
    expect(await checkStreamer(streamer.id, user.id)).toEqual({ status: "recording", sessionId: sessions[0].id });
    expect(recorderCalls.filter((c) => c.method === "DELETE")).toHaveLength(0);

    fake.set(MINT, "offline");
    expect(await checkStreamer(streamer.id, user.id)).toEqual({
      status: "offline",
      sessionId: sessions[0].id,
      detail: "pump.fun shows no stream for this coin",
    });
    expect(recorderCalls.filter((c) => c.method === "DELETE")).toEqual([
      { method: "DELETE", url: `/sessions/${sessions[0].id}`, body: null },
    ]);
    await retire(user.id);
  });

  it("ends a session the recorder no longer has once pump.fun says offline, so the next go-live opens a new one", async () => {
    const { prisma } = await import("@/lib/db");
    const { checkStreamer } = await import("./check-streamer");
    const user = await prisma.user.create({
      data: { id: `u-pfl-${Date.now()}`, name: "P", email: `pfl-${Date.now()}@example.com` },
    });
    const streamer = await prisma.streamer.create({
      data: { userId: user.id, name: "coin", kind: "PUMPFUN", source: MINT, segmentSeconds: 10, status: "LIVE" },
    });
    const lost = await prisma.liveSession.create({
      data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 10 },
    });
    unknownToRecorder.add(lost.id);

    fake.set(MINT, "offline");
    expect(await checkStreamer(streamer.id, user.id)).toEqual({
      status: "offline",
      sessionId: lost.id,
      detail: "pump.fun shows no stream for this coin",
    });
    expect(await prisma.liveSession.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({
      status: "ENDED",
      endReason: "pump.fun stream ended; the recorder had no recording of it",
    });
    expect((await prisma.streamer.findUniqueOrThrow({ where: { id: streamer.id } })).status).toBe("OFFLINE");
    // The session's end goes through the same event as a recorder's session.ended (finalize-session).
    expect(await prisma.jobEvent.count({ where: { externalId: `session-ended-${lost.id}` } })).toBe(1);

    fake.set(MINT, "live");
    const next = await checkStreamer(streamer.id, user.id);
    expect(next.status).toBe("live");
    expect(next.sessionId).not.toBe(lost.id);
    await retire(user.id);
    await prisma.jobRun.deleteMany({
      where: {
        eventId: {
          in: (await prisma.jobEvent.findMany({ where: { externalId: `session-ended-${lost.id}` } })).map((e) => e.id),
        },
      },
    });
  });

  it("lists recording pump.fun streamers for the poller, but not recording URL streamers", async () => {
    const { prisma } = await import("@/lib/db");
    const { monitoredStreamers } = await import("@/inngest/monitor-streamers");
    const user = await prisma.user.create({
      data: { id: `u-pfm-${Date.now()}`, name: "P", email: `pfm-${Date.now()}@example.com` },
    });
    const pf = await prisma.streamer.create({
      data: { userId: user.id, name: "coin", kind: "PUMPFUN", source: MINT, segmentSeconds: 10 },
    });
    const url = await prisma.streamer.create({
      data: { userId: user.id, name: "hls", kind: "URL", source: "https://8.8.8.8/a.m3u8", segmentSeconds: 10 },
    });
    for (const s of [pf, url])
      await prisma.liveSession.create({ data: { userId: user.id, streamerId: s.id, segmentSeconds: 10 } });
    const listed = (await monitoredStreamers()).map((s) => s.id);
    expect(listed).toContain(pf.id);
    expect(listed).not.toContain(url.id);
    await retire(user.id);
  });
});
