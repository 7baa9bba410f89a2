/**
 * Replay of a recording (issue 18.2) on real parts: a file uploaded through the app's tus endpoint with the real
 * tus client (interrupted and resumed), stored, replayed by the real recorder as fast as it reads, and turned
 * into clips by the app's real functions through the embedded runner; a VOD link imported the same way; and
 * the refusals (too big, someone else's streamer or upload, a live stream given as a recording).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Upload } from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, loadApiRoutes } from "./app-server";
import { startAppWithRunner } from "./fixtures/app-with-runner";
import { makeToneSegment, signUpViaApi, waitFor, waitForFunctions } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "replay-"));
const stamp = Date.now();
let liveHls: http.Server;
/** ffmpeg's default MP4: the index (moov) after the media. */
const indexLastMp4 = (() => {
  const out = path.join(tmp, "index-last.mp4");
  execFileSync("ffmpeg", [
    ...["-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15:duration=2"],
    ...["-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:v", "libx264", "-c:a", "aac", out],
  ]);
  return fs.readFileSync(out);
})();
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const [appPort, runnerPort, recorderPort, hlsPort] = await freePorts(4);
  process.env.RECORDER_URL = `http://127.0.0.1:${recorderPort}`;
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.DATA_DIR = path.join(tmp, "data");
  process.env.RECORDER_SECRET = "replay-test-recorder-secret";
  process.env.ALLOW_PRIVATE_SOURCES = "true";
  process.env.ALLOW_FILE_SOURCES = "true";
  process.env.UPLOAD_MAX_MB = "50";

  // A live HLS playlist (no #EXT-X-ENDLIST): not a recording.
  liveHls = http.createServer((req, res) => {
    // An MP4 whose index follows its media, from a host that serves no byte ranges.
    if (req.url === "/index-last.mp4") return res.writeHead(200, { "content-type": "video/mp4" }).end(indexLastMp4);
    res.writeHead(200, { "content-type": "application/vnd.apple.mpegurl" });
    res.end("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\nseg0.ts\n");
  });
  await new Promise<void>((r) => liveHls.listen(hlsPort, "127.0.0.1", () => r()));

  const { prisma, server, runner } = await startAppWithRunner({ routes: await loadApiRoutes(), appPort, runnerPort });
  await waitForFunctions();
  const signUp = (name: string, ip: string) =>
    signUpViaApi(server.url, { email: `${name}-${stamp}@example.com`, password: "replay-pass-1234", name, ip });
  const ivy = await signUp("ivy", "10.13.0.1");
  const jon = await signUp("jon", "10.13.0.2");
  const streamer = await prisma.streamer.create({
    data: {
      userId: ivy.id,
      name: "Ivy",
      kind: "URL",
      source: "https://93.184.215.14/ivy.m3u8",
      monitored: true,
      segmentSeconds: 12,
      minClipSeconds: 8,
      maxClipSeconds: 20,
    },
  });
  const { makeSampleStream } = await import("@/lib/media/sample-stream");
  const samplePath = path.join(tmp, "broadcast.mp4");
  const sample = await makeSampleStream({ out: samplePath, seconds: 36, excitedAt: 16 });

  const { startRecorder } = await import("@/recorder/server");
  const { createLocalStore } = await import("@/lib/storage/local-store");
  const recorder = await startRecorder({
    port: recorderPort,
    appUrl: server.url,
    secret: process.env.RECORDER_SECRET!,
    spoolDir: path.join(tmp, "spool"),
    store: createLocalStore(process.env.STORAGE_DIR!),
    allowPrivateSources: true,
  });
  return {
    prisma,
    server,
    runner,
    recorder,
    ivy,
    jon,
    streamer,
    sample,
    samplePath,
    hlsUrl: `http://127.0.0.1:${hlsPort}`,
  };
}

beforeAll(async () => {
  ctx = await setup();
}, 180_000);

afterAll(async () => {
  await ctx?.recorder.stop();
  await ctx?.runner.stop();
  await ctx?.server.close();
  await new Promise<void>((r) => liveHls.close(() => r()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The tus client as the browser uses it, with a user's cookie (and the app's origin, as a browser sends). */
function tus(
  file: Buffer,
  as: { cookie: string },
  metadata: Record<string, string>,
  more: Partial<Upload["options"]> = {},
) {
  return new Upload(file, {
    endpoint: `${ctx.server.url}/api/uploads`,
    chunkSize: 256 * 1024,
    metadata,
    headers: { cookie: as.cookie, origin: ctx.server.url },
    retryDelays: [],
    ...more,
  });
}

async function raw(method: string, p: string, as: { cookie: string } | null, headers: Record<string, string> = {}) {
  const res = await fetch(`${ctx.server.url}${p}`, {
    method,
    headers: { "tus-resumable": "1.0.0", origin: ctx.server.url, ...(as ? { cookie: as.cookie } : {}), ...headers },
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, headers: res.headers };
}

const b64 = (s: string) => Buffer.from(s).toString("base64");
const error = (code: string, message: string) => ({ error: { code, message } });

describe("replay of a recording", () => {
  it("an uploaded file (interrupted, resumed) is replayed fast into the streamer and clipped", async () => {
    const { prisma, ivy, streamer, sample, samplePath } = ctx;
    const file = fs.readFileSync(samplePath);
    const meta = { filename: "my broadcast.mp4", streamerId: streamer.id, pace: "fast" };

    // The first attempt stops after its first chunk (a dropped connection, a closed tab).
    const first = tus(file, ivy, meta);
    await new Promise<void>((resolve, reject) => {
      first.options.onChunkComplete = () => {
        void first.abort().then(resolve, reject);
      };
      first.options.onError = reject;
      first.start();
    });
    const uploadUrl = first.url!;
    const head = await raw("HEAD", new URL(uploadUrl).pathname, ivy);
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get("upload-offset"));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(file.length);
    // Someone else cannot see or touch it.
    expect(await raw("HEAD", new URL(uploadUrl).pathname, ctx.jon)).toMatchObject({ status: 404 });

    // Resumed from where the server is: the rest goes, and the last answer names the replay's session.
    const body = await new Promise<string>((resolve, reject) => {
      const rest = tus(file, ivy, meta, {
        uploadUrl,
        onSuccess: (payload) => resolve(payload.lastResponse.getBody()),
        onError: reject,
      });
      rest.start();
    });
    const { sessionId } = JSON.parse(body) as { sessionId: string };
    const session = await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect([session.streamerId, session.replayPace]).toEqual([streamer.id, "FAST"]);
    const key = session.replaySource!.replace(/^blob:/, "");
    expect(key).toBe(`sessions/${sessionId}/upload/my_broadcast.mp4`);
    const { getStore } = await import("@/lib/storage");
    expect((await getStore().stat(key))?.size).toBe(file.length);

    const ended = await waitFor(
      async () => {
        const s = await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } });
        return s.status !== "RECORDING" && s;
      },
      90_000,
      "the replay to end",
    );
    expect([ended.status, ended.endReason]).toEqual(["ENDED", "the recording was replayed to its end"]);
    const segments = await prisma.segment.findMany({ where: { sessionId }, orderBy: { number: "asc" } });
    expect(segments.length).toBe(3);
    expect(Math.abs(segments.reduce((n, s) => n + s.duration, 0) - 36)).toBeLessThan(0.5);
    // The streamer's own live state is not a replay's business.
    expect(
      await prisma.streamer.findUniqueOrThrow({
        where: { id: streamer.id },
        select: { monitored: true, lastError: true },
      }),
    ).toEqual({ monitored: true, lastError: null });

    const clip = await waitFor(
      () =>
        prisma.clip.findFirst({
          where: {
            sessionId,
            status: "READY",
            startTime: { lte: sample.excitedStart + 1 },
            endTime: { gte: sample.excitedEnd - 1 },
          },
        }),
      180_000,
      "a clip of the excited passage",
    );
    expect(clip.videoKey).toBeTruthy();
  }, 300_000);

  it("refuses a file over the size limit, someone else's streamer and a bad pace, with the error shape", async () => {
    const { ivy, jon, streamer } = ctx;
    const create = (as: { cookie: string }, length: number, meta: Record<string, string>) =>
      raw("POST", "/api/uploads", as, {
        "upload-length": String(length),
        "upload-metadata": Object.entries(meta)
          .map(([k, v]) => `${k} ${b64(v)}`)
          .join(","),
      });
    expect(await create(ivy, 60_000_000, { filename: "big.mp4", streamerId: streamer.id })).toMatchObject({
      status: 413,
      body: error("payload_too_large", "This file is 60 MB; the largest upload this server takes is 50 MB."),
    });
    expect(await create(jon, 1000, { filename: "x.mp4", streamerId: streamer.id })).toMatchObject({
      status: 404,
      body: error("not_found", "Streamer not found."),
    });
    expect(await create(ivy, 1000, { filename: "x.mp4", streamerId: streamer.id, pace: "slow" })).toMatchObject({
      status: 422,
      body: error("invalid_input", 'pace: "fast" or "live".'),
    });
    expect((await raw("POST", "/api/uploads", null, { "upload-length": "1000" })).status).toBe(401);
  });

  it("a VOD link is replayed the same way; a live stream, RTMP or someone else's streamer is refused", async () => {
    const { prisma, ivy, jon, streamer } = ctx;
    const short = makeToneSegment(path.join(tmp, "short.ts"), 4);
    const post = (as: { cookie: string }, id: string, json: unknown) =>
      fetch(`${ctx.server.url}/api/streamers/${id}/replays`, {
        method: "POST",
        headers: { cookie: as.cookie, origin: ctx.server.url, "content-type": "application/json" },
        body: JSON.stringify(json),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

    const ok = await post(ivy, streamer.id, { url: `file://${short}` });
    expect(ok.status).toBe(201);
    const recording = ok.body.recording as { sessionId: string; replay: { pace: string } };
    expect(recording.replay).toEqual({ pace: "fast" });
    const ended = await waitFor(
      async () => {
        const s = await prisma.liveSession.findUniqueOrThrow({ where: { id: recording.sessionId } });
        return s.status !== "RECORDING" && s;
      },
      60_000,
      "the link's replay to end",
    );
    expect(ended.status).toBe("ENDED");
    expect(await prisma.segment.count({ where: { sessionId: recording.sessionId } })).toBe(1);

    expect(await post(ivy, streamer.id, { url: `${ctx.hlsUrl}/live.m3u8` })).toEqual({
      status: 422,
      body: error(
        "invalid_input",
        "That URL is a live stream, not a recording: add it as a streamer to record it while it is live.",
      ),
    });
    expect(await post(ivy, streamer.id, { url: `${ctx.hlsUrl}/index-last.mp4` })).toEqual({
      status: 422,
      body: error(
        "invalid_input",
        "That recording cannot be imported: the file's index (moov) is at its end and its host does not serve " +
          "byte ranges, so it cannot be read as it downloads; download it and upload the file instead, or serve " +
          "it with byte ranges.",
      ),
    });
    expect(await post(ivy, streamer.id, { url: "rtmp://93.184.215.14/live/key" })).toEqual({
      status: 422,
      body: error("invalid_input", "Import a recording by its HLS (.m3u8) or media file (.mp4) URL."),
    });
    expect(await post(ivy, streamer.id, { url: `file://${short}`, pace: "slow" })).toMatchObject({ status: 422 });
    expect(await post(jon, streamer.id, { url: `file://${short}` })).toEqual({
      status: 404,
      body: error("not_found", "Streamer not found."),
    });
  }, 120_000);

  it("a replay whose start failed (recorder down) is started again, once; nothing else can be", async () => {
    const { prisma, ivy, jon, streamer } = ctx;
    const short = makeToneSegment(path.join(tmp, "retry.ts"), 4);
    const failed = await prisma.liveSession.create({
      data: {
        userId: ivy.id,
        streamerId: streamer.id,
        segmentSeconds: 30,
        status: "FAILED",
        endedAt: new Date(),
        endReason: "recorder_unavailable",
        replaySource: `file://${short}`,
        replayPace: "FAST",
      },
    });
    const retry = (as: { cookie: string }, id: string) =>
      fetch(`${ctx.server.url}/api/sessions/${id}/replay`, {
        method: "POST",
        headers: { cookie: as.cookie, origin: ctx.server.url },
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }));

    expect(await retry(jon, failed.id)).toEqual({ status: 404, body: error("not_found", "Session not found.") });
    expect(await retry(ivy, failed.id)).toEqual({ status: 202, body: { sessionId: failed.id } });
    const ended = await waitFor(
      async () => {
        const s = await prisma.liveSession.findUniqueOrThrow({ where: { id: failed.id } });
        return s.status !== "RECORDING" && s;
      },
      60_000,
      "the replay started again to end",
    );
    expect([ended.status, ended.endReason]).toEqual(["ENDED", "the recording was replayed to its end"]);
    expect(await prisma.segment.count({ where: { sessionId: failed.id } })).toBe(1);

    // Done now, and a live recording's session is not a replay: neither can be started again.
    const conflict = {
      status: 409,
      body: error("conflict", "Only a replay that failed to start can be started again."),
    };
    expect(await retry(ivy, failed.id)).toEqual(conflict);
    const live = await prisma.liveSession.create({
      data: { userId: ivy.id, streamerId: streamer.id, segmentSeconds: 30, status: "FAILED", endedAt: new Date() },
    });
    expect(await retry(ivy, live.id)).toEqual(conflict);
    expect(await prisma.liveSession.findUniqueOrThrow({ where: { id: live.id } })).toMatchObject({ status: "FAILED" });
  }, 120_000);
});
