/**
 * A pump.fun streamer's coin activity end to end: the local fake pump.fun API says the coin is live, a local
 * media file stands in for its LiveKit room (calm talk, one excited passage at the end), and a local fake of
 * pump.fun's trade (NATS over WebSocket) and chat (socket.io) feeds carries steady background trading, then a
 * burst of buys with a market-cap jump during the calm talk. The real recorder reads the feeds while it records
 * and sends per-second activity; the app stores it; the real pipeline (live edge and segments) clips the burst,
 * and the clip's reason names the trade signal. The segment outlasts the stream, so the clip comes from the
 * live edge (per 5-s chunk), while the session still records.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts } from "./app-server";
import { recorderRoutes, startAppWithRunner } from "./fixtures/app-with-runner";
import { startFakePumpfun, type TFakePumpfun } from "./fixtures/fake-pumpfun";
import { startFakePumpfunFeed, type TFakeFeed } from "./fixtures/fake-pumpfun-feed";
import { waitFor } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pumpfun-activity-"));
// One segment for the whole recording: the burst can only be clipped before the stream ends by the live edge.
const SEGMENT = 900;
const MINT = "7GCihgDB8fe6KNjn2MYtkzZcRjQy3t9GHdC8uHYmW2hr";
let ctx: Awaited<ReturnType<typeof setup>>;
let fake: TFakePumpfun;
let feed: TFakeFeed;
let background: NodeJS.Timeout | undefined;

async function setup() {
  fake = await startFakePumpfun();
  feed = await startFakePumpfunFeed();
  const [appPort, runnerPort, recorderPort] = await freePorts(3);
  process.env.RECORDER_URL = `http://127.0.0.1:${recorderPort}`;
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "pumpfun-activity-recorder-secret";
  process.env.PUMPFUN_API_URL = fake.url;
  process.env.PUMPFUN_TRADES_URL = feed.tradesUrl;
  process.env.PUMPFUN_TRADES_USER = feed.user;
  process.env.PUMPFUN_TRADES_PASS = feed.pass;
  process.env.PUMPFUN_CHAT_URL = feed.chatUrl;

  const { prisma, server, runner } = await startAppWithRunner({ routes: await recorderRoutes(), appPort, runnerPort });
  await waitFor(
    async () => (await prisma.jobFunction.count({ where: { appId: "clipstream" } })) >= 5,
    20_000,
    "function registration",
  );
  const user = await prisma.user.create({
    data: { id: `u-pfa-${Date.now()}`, name: "Pump", email: `pumpfun-activity-${Date.now()}@example.com` },
  });
  const streamer = await prisma.streamer.create({
    data: {
      userId: user.id,
      name: "coin",
      kind: "PUMPFUN",
      source: MINT,
      segmentSeconds: SEGMENT,
      minClipSeconds: 8,
      maxClipSeconds: 20,
    },
  });
  const { makeSampleStream } = await import("@/lib/media/sample-stream");
  const samplePath = path.join(tmp, "room.mp4");
  const sample = await makeSampleStream({ out: samplePath, seconds: 44, excitedAt: 34 });
  const { pacedFileFrameSources } = await import("@/recorder/paced-file-frame-source");
  const play = pacedFileFrameSources(() => samplePath);
  let plays = 0;
  const { startRecorder } = await import("@/recorder/server");
  const { createLocalStore } = await import("@/lib/storage/local-store");
  const { openActivityFeed } = await import("@/lib/pumpfun/activity-feed");
  const recorder = await startRecorder({
    port: recorderPort,
    appUrl: server.url,
    secret: process.env.RECORDER_SECRET!,
    spoolDir: path.join(tmp, "spool"),
    store: createLocalStore(process.env.STORAGE_DIR!),
    reconnectGraceSeconds: 5,
    frameSources: async (mint, log, signal) => {
      if (plays++ > 0) throw new Error(`no video published in room ${mint}`);
      return play(mint, log, signal);
    },
    openActivityFeed,
    log: () => {},
  });
  return { prisma, server, runner, recorder, user, streamer, sample };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  if (background) clearInterval(background);
  await ctx?.prisma.streamer.update({ where: { id: ctx.streamer.id }, data: { monitored: false } });
  await ctx?.recorder.stop();
  await ctx?.runner.stop();
  await ctx?.server.close();
  await fake?.close();
  await feed?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("pump.fun coin activity → stored per second → a clip whose reason names the trade burst", () => {
  it("clips a burst of buys during calm talk", async () => {
    const { prisma, streamer, user, sample } = ctx;
    fake.set(MINT, "live");
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    await checkStreamer(streamer.id, user.id);
    const session = await prisma.liveSession.findFirstOrThrow({
      where: { streamerId: streamer.id, status: "RECORDING" },
    });
    await waitFor(
      async () => feed.subjects().includes(`unifiedTradeEvent.processed.${MINT}`) && feed.rooms().includes(MINT),
      30_000,
      "the recorder to subscribe to the coin's feeds",
    );
    // Background: a buy or a sell every 1.5 s, a chat message every 3 s, the market cap drifting.
    let cap = 40_000;
    let n = 0;
    background = setInterval(() => {
      n++;
      const side = n % 3 === 0 ? "sell" : "buy";
      cap += side === "buy" ? 60 : -50;
      feed.trade(MINT, { side, sol: 0.3, marketCapUsd: cap });
      if (n % 2 === 0) feed.chat(MINT, "gm");
    }, 1500);

    // Calm talk runs to 34 s of the stream; once the chunk ending at 15 s is in, the burst comes at ~16–20 s.
    await waitFor(
      () => prisma.audioChunk.findFirst({ where: { sessionId: session.id, startOffset: { gte: 10 } } }),
      90_000,
      "the live edge to reach 15 s",
    );
    for (let k = 0; k < 16; k++) {
      cap *= 1.012;
      feed.trade(MINT, { side: "buy", sol: 1.2, marketCapUsd: cap });
      await new Promise((r) => setTimeout(r, 250));
    }

    // The burst's seconds as the app stored them.
    const burst = await waitFor(
      async () => {
        const rows = await prisma.pumpActivity.findMany({
          where: { sessionId: session.id, buys: { gte: 3 } },
          orderBy: { second: "asc" },
        });
        return rows.length >= 3 ? rows : null;
      },
      30_000,
      "the burst stored per second",
    );
    const from = burst[0].second;
    const to = burst.at(-1)!.second + 1;
    expect(to - from).toBeLessThanOrEqual(6);
    expect(from).toBeLessThan(sample.excitedStart - 6);
    const rows = await prisma.pumpActivity.findMany({ where: { sessionId: session.id } });
    expect(rows.reduce((s, r) => s + r.chat, 0)).toBeGreaterThan(0);

    const clip = await waitFor(
      () =>
        prisma.clip.findFirst({
          where: { sessionId: session.id, startTime: { lte: from + 1 }, endTime: { gte: to - 1 } },
        }),
      180_000,
      "a clip covering the burst",
    ).catch(async (err: Error) => {
      const clips = await prisma.clip.findMany({
        where: { sessionId: session.id },
        select: { startTime: true, endTime: true, reason: true, origin: true },
      });
      throw new Error(`${err.message}; burst ${from}–${to}, clips ${JSON.stringify(clips)}`);
    });
    expect(clip.origin).toBe("LIVE");
    expect(clip.reason).toMatch(/^buys \d+(\.\d)?× baseline/);
    expect(clip.reason).toMatch(/market cap \+\d+ % in 20 s/);
    expect(clip.tags).toContain("market");
    expect(clip.endTime - clip.startTime).toBeGreaterThanOrEqual(8 - 0.5);
    expect(clip.endTime - clip.startTime).toBeLessThanOrEqual(20 + 0.5);
  }, 420_000);
});
