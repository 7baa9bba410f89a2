/**
 * A pump.fun streamer end to end: the local fake pump.fun API (real response shapes) says when the coin is
 * live, and a local media file stands in for its LiveKit room (no LiveKit server runs here). The streamer
 * check finds it live through the API, the real recorder records the room's raw frames in segments through
 * the same ffmpeg segmenter, the app's real functions clip the excited passage, and the check ends the session
 * once the API says the stream is offline.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakePumpfun, type TFakePumpfun } from "./fixtures/fake-pumpfun";
import { freePorts } from "./app-server";
import { recorderRoutes, startAppWithRunner } from "./fixtures/app-with-runner";
import { waitFor } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pumpfun-pipeline-"));
const SEGMENT = 6;
const MINT = "4k3Dyjzvzp8eMZWUXbBCjEvwSkkk59S5iCNLY3QrkX6R";
let ctx: Awaited<ReturnType<typeof setup>>;
let fake: TFakePumpfun;

async function setup() {
  fake = await startFakePumpfun();
  const [appPort, runnerPort, recorderPort] = await freePorts(3);
  process.env.RECORDER_URL = `http://127.0.0.1:${recorderPort}`;
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "pumpfun-pipeline-recorder-secret";
  process.env.PUMPFUN_API_URL = fake.url;

  const { prisma, server, runner } = await startAppWithRunner({ routes: await recorderRoutes(), appPort, runnerPort });
  await waitFor(
    async () => (await prisma.jobFunction.count({ where: { appId: "clipstream" } })) >= 5,
    20_000,
    "function registration",
  );

  const user = await prisma.user.create({
    data: { id: `u-pf-${Date.now()}`, name: "Pump", email: `pumpfun-${Date.now()}@example.com` },
  });
  const { parseSource } = await import("@/lib/streamers/parse-source");
  const parsed = await parseSource(`https://pump.fun/coin/${MINT}?include-nsfw=true`, user.id);
  const streamer = await prisma.streamer.create({
    data: {
      userId: user.id,
      name: parsed.suggestedName,
      kind: parsed.kind,
      source: parsed.source,
      segmentSeconds: SEGMENT,
      minClipSeconds: 8,
      maxClipSeconds: 20,
    },
  });
  const { makeSampleStream } = await import("@/lib/media/sample-stream");
  const samplePath = path.join(tmp, "room.mp4");
  const sample = await makeSampleStream({ out: samplePath, seconds: 36, excitedAt: 16 });

  // The room: no publisher until the API's stream is "live" (it says isLive already while "starting"), then
  // the publisher plays the sample once.
  // Frames reach the recorder as a room delivers them (whole frames, PCM chunks) and go through its pacer.
  const { pacedFileFrameSources } = await import("@/recorder/paced-file-frame-source");
  const play = pacedFileFrameSources(() => samplePath);
  const room = { joins: 0, plays: 0 };
  const { startRecorder } = await import("@/recorder/server");
  const { createLocalStore } = await import("@/lib/storage/local-store");
  const recorder = await startRecorder({
    port: recorderPort,
    appUrl: server.url,
    secret: process.env.RECORDER_SECRET!,
    spoolDir: path.join(tmp, "spool"),
    store: createLocalStore(process.env.STORAGE_DIR!),
    reconnectGraceSeconds: 120,
    frameSources: async (mint, log, signal) => {
      room.joins++;
      const { pumpfunClient } = await import("@/lib/pumpfun/client");
      await pumpfunClient().joinAsViewer(mint); // the real join call, against the fake API
      const state = await pumpfunClient().getLivestream(mint);
      if (!state.live || state.stream.numParticipants === 0 || room.plays > 0)
        throw new Error(`no video published in room ${mint} yet`);
      room.plays++;
      return play(mint, log, signal);
    },
    log: () => {},
  });
  return { prisma, server, runner, recorder, user, streamer, sample, room };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  // The database is shared: other test files' pollers must not check this coin against the real pump.fun.
  await ctx?.prisma.streamer.update({ where: { id: ctx.streamer.id }, data: { monitored: false } });
  await ctx?.recorder.stop();
  await ctx?.runner.stop();
  await ctx?.server.close();
  await fake?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("pump.fun streamer → live session → segments → clip → ended", () => {
  it("is found live through the API, recorded from its room, clipped, and ended when the API says offline", async () => {
    const { prisma, sample, streamer, user, room } = ctx;
    expect(streamer).toMatchObject({ kind: "PUMPFUN", source: MINT });
    const { checkStreamer } = await import("@/lib/live/check-streamer");

    // Offline: pump.fun answers 200 with an empty body.
    fake.set(MINT, "offline");
    expect(await checkStreamer(streamer.id, user.id)).toMatchObject({ status: "offline" });
    expect((await prisma.streamer.findUniqueOrThrow({ where: { id: streamer.id } })).status).toBe("OFFLINE");

    // isLive before frames flow: a session opens; the recorder waits in the room for the publisher.
    fake.set(MINT, "starting");
    const check = await checkStreamer(streamer.id, user.id);
    expect(["live", "recording"]).toContain(check.status);
    const session = await prisma.liveSession.findFirstOrThrow({
      where: { streamerId: streamer.id, status: "RECORDING" },
    });
    expect(await checkStreamer(streamer.id, user.id)).toEqual({ status: "recording", sessionId: session.id });
    // What a restarted recorder is told to resume: the coin's room, not a URL.
    const { signRequest, SIGNATURE_HEADER } = await import("@/lib/signing");
    const active = await fetch(`${ctx.server.url}/api/recorder/sessions`, {
      headers: { [SIGNATURE_HEADER]: signRequest(process.env.RECORDER_SECRET!, "GET", "/api/recorder/sessions", "") },
    });
    expect((await active.json()).sessions).toContainEqual({
      sessionId: session.id,
      streamerId: streamer.id,
      source: { kind: "pumpfun", mint: MINT },
      segmentSeconds: SEGMENT,
      audioChunkSeconds: 5,
      // Held by no fleet recorder yet: the lease a recorder takes it with, numbering from 0.
      lease: expect.objectContaining({ nextNumber: 0, storedUntil: 0 }),
    });
    await waitFor(async () => room.joins >= 2, 30_000, "the recorder to try the room again");
    expect(room.plays).toBe(0);
    expect(await prisma.segment.count({ where: { sessionId: session.id } })).toBe(0);

    // The publisher's frames arrive.
    fake.set(MINT, "live");
    await waitFor(
      async () => {
        const last = await prisma.segment.findFirst({ where: { sessionId: session.id }, orderBy: { number: "desc" } });
        return last && last.startOffset + last.duration >= 30;
      },
      120_000,
      "segments past the excited passage",
    );
    expect(room.plays).toBe(1);

    // The streamer stops: the API says offline, the check stops the recording, the last segment is final.
    fake.set(MINT, "offline");
    expect(await checkStreamer(streamer.id, user.id)).toMatchObject({ status: "offline", sessionId: session.id });
    const ended = await waitFor(
      async () => {
        const s = await prisma.liveSession.findUniqueOrThrow({ where: { id: session.id } });
        return s.status !== "RECORDING" ? s : null;
      },
      60_000,
      "the session to end",
    );
    expect(ended).toMatchObject({ status: "ENDED", endReason: "stopped" });
    expect((await prisma.streamer.findUniqueOrThrow({ where: { id: streamer.id } })).status).toBe("OFFLINE");
    const rows = await prisma.segment.findMany({ where: { sessionId: session.id }, orderBy: { number: "asc" } });
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.map((r) => r.number)).toEqual(rows.map((_, i) => i));
    expect(rows.at(-1)!.final).toBe(true);
    expect(fake.joins.every((j) => j.mintId === MINT && j.viewer === true && j.hidden === true)).toBe(true);

    await waitFor(
      async () => {
        const s = await prisma.segment.findMany({ where: { sessionId: session.id } });
        return s.every((x) => x.status === "DONE" || x.status === "ERROR");
      },
      180_000,
      "every segment processed",
    );
    const segs = await prisma.segment.findMany({ where: { sessionId: session.id }, orderBy: { number: "asc" } });
    expect(segs.map((s) => [s.number, s.status, s.error])).toEqual(segs.map((s) => [s.number, "DONE", null]));
    // Stream time starts when the publisher's frames do, after the wait in the room, so the passage sits later.
    const offset = segs[0].startOffset;
    const clip = await waitFor(
      () =>
        prisma.clip.findFirst({
          where: {
            sessionId: session.id,
            status: "READY",
            startTime: { lte: offset + sample.excitedStart + 1 },
            endTime: { gte: offset + sample.excitedEnd - 1 },
          },
        }),
      120_000,
      "a rendered clip covering the excited passage",
    ).catch(async (err: Error) => {
      const clips = await prisma.clip.findMany({
        where: { sessionId: session.id },
        select: { startTime: true, endTime: true, status: true, error: true, origin: true, segmentId: true },
      });
      const chunks = await prisma.audioChunk.findMany({
        where: { sessionId: session.id },
        orderBy: { startOffset: "asc" },
        select: { startOffset: true, duration: true, status: true, signals: true },
      });
      const want = { from: offset + sample.excitedStart, to: offset + sample.excitedEnd };
      const chunkRows = chunks.map((c) => {
        const sig = c.signals as { mode?: string; lagSeconds?: number } | null;
        return [c.startOffset, c.duration, c.status, sig?.mode, sig?.lagSeconds];
      });
      throw new Error(
        `${err.message}; passage ${JSON.stringify(want)}, clips ${JSON.stringify(clips)}, segments ${JSON.stringify(segs.map((s) => [s.startOffset, s.duration]))}, chunks ${JSON.stringify(chunkRows)}`,
      );
    });
    expect(clip.endTime - clip.startTime).toBeGreaterThanOrEqual(8 - 0.5);
    expect(clip.endTime - clip.startTime).toBeLessThanOrEqual(20 + 0.5);
    expect(clip.videoKey).toBeTruthy();
  }, 420_000);
});
