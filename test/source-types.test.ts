/**
 * Each source type once through the app's live check and the real recorder (issue 18's table): a live HLS stream
 * whose broadcaster stops, an HLS recording (#EXT-X-ENDLIST), a local file, an .mp4 over HTTP and an RTMP stream
 * that ends. After the source has ended and two more polls, each was recorded in exactly one session holding
 * the source once: a recording is not read again, a live stream that is gone is offline.
 */
import { spawn, type ChildProcess, execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts } from "./app-server";
import { recorderRoutes, startAppWithRunner } from "./fixtures/app-with-runner";
import { makeToneSegment, waitFor, waitForFunctions } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "source-types-"));
const SECONDS = 6;
const children: ChildProcess[] = [];
let files: http.Server;
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const [appPort, runnerPort, recorderPort] = await freePorts(3);
  process.env.RECORDER_URL = `http://127.0.0.1:${recorderPort}`;
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "source-types-recorder-secret";
  process.env.ALLOW_PRIVATE_SOURCES = "true";
  process.env.ALLOW_FILE_SOURCES = "true";

  const media = makeToneSegment(path.join(tmp, "source.ts"), SECONDS);
  const root = path.join(tmp, "www");
  fs.mkdirSync(path.join(root, "vod"), { recursive: true });
  execFileSync("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-i", media, "-c", "copy", "-f", "mp4", path.join(root, "talk.mp4")],
  ]);
  execFileSync("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-i", media, "-c", "copy", "-f", "hls", "-hls_time", "2"],
    ...["-hls_playlist_type", "vod", path.join(root, "vod/index.m3u8")],
  ]);
  // A static host that keeps serving what is on disk (a VOD or a file stays online after its end), with byte
  // ranges as web servers have them: ffmpeg seeks to an .mp4's index at its end (without ranges it read the
  // whole file as the index's bytes and recorded undecodable audio).
  files = http.createServer((req, res) => {
    const f = path.join(root, decodeURIComponent(new URL(req.url!, "http://x").pathname));
    if (!f.startsWith(root) || !fs.existsSync(f) || !fs.statSync(f).isFile()) return res.writeHead(404).end();
    const size = fs.statSync(f).size;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (!range) {
      res.writeHead(200, { "content-length": size, "accept-ranges": "bytes" });
      return fs.createReadStream(f).pipe(res);
    }
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start >= size) return res.writeHead(416, { "content-range": `bytes */${size}` }).end();
    res.writeHead(206, {
      "content-length": end - start + 1,
      "content-range": `bytes ${start}-${end}/${size}`,
      "accept-ranges": "bytes",
    });
    fs.createReadStream(f, { start, end }).pipe(res);
  });
  await new Promise<void>((r) => files.listen(0, "127.0.0.1", () => r()));
  const www = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;

  const { prisma, server, runner } = await startAppWithRunner({ routes: await recorderRoutes(), appPort, runnerPort });
  await waitForFunctions();
  const user = await prisma.user.create({
    data: { id: `u-src-${Date.now()}`, name: "Sources", email: `sources-${Date.now()}@example.com` },
  });
  const { startRecorder } = await import("@/recorder/server");
  const { createLocalStore } = await import("@/lib/storage/local-store");
  const recorder = await startRecorder({
    port: recorderPort,
    appUrl: server.url,
    secret: process.env.RECORDER_SECRET!,
    spoolDir: path.join(tmp, "spool"),
    store: createLocalStore(process.env.STORAGE_DIR!),
    allowPrivateSources: true,
    reconnectGraceSeconds: 3,
    log: () => {},
  });
  return { prisma, server, runner, recorder, user, media, root, www };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await ctx?.recorder.stop();
  await ctx?.runner.stop();
  await ctx?.server.close();
  await new Promise<void>((r) => files.close(() => r()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

const ffmpeg = (args: string[]) => {
  const c = spawn("ffmpeg", ["-hide_banner", "-loglevel", "error", ...args], { stdio: "ignore" });
  children.push(c);
  return c;
};

/**
 * A live HLS broadcast of the source, played once in real time; when it ends the broadcaster takes the
 * playlist down (404), as a streaming server does.
 */
async function liveHls(): Promise<string> {
  const dir = path.join(ctx.root, "live");
  fs.mkdirSync(dir, { recursive: true });
  const c = ffmpeg([
    // A keyframe every second (the test source has one at its start only), so segments come every second.
    ...["-re", "-i", ctx.media, "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-c:a", "copy"],
    ...["-f", "hls", "-hls_time", "1", "-hls_list_size", "4"],
    ...["-hls_flags", "delete_segments+omit_endlist", path.join(dir, "index.m3u8")],
  ]);
  c.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  const url = `${ctx.www}/live/index.m3u8`;
  await waitFor(async () => fs.existsSync(path.join(dir, "index.m3u8")), 10_000, "the live playlist");
  return url;
}

/**
 * An RTMP server (ffmpeg listening) that plays the source in real time to each client: one for the app's live
 * probe, one for the recorder. After that the broadcast is over and nothing listens any more.
 */
async function rtmpStream(): Promise<string> {
  const [port] = await freePorts(1);
  const url = `rtmp://127.0.0.1:${port}/live/key`;
  let plays = 0;
  const serve = () => {
    const c = ffmpeg(["-re", "-i", ctx.media, "-c", "copy", "-f", "flv", "-listen", "1", url]);
    c.on("exit", () => {
      if (++plays < 2) serve();
    });
  };
  serve();
  await new Promise((r) => setTimeout(r, 500));
  return url;
}

describe("each source type, once", () => {
  const cases: [string, () => Promise<string>, { finite: boolean }][] = [
    ["live HLS whose broadcaster stops", liveHls, { finite: false }],
    ["HLS recording (#EXT-X-ENDLIST)", async () => `${ctx.www}/vod/index.m3u8`, { finite: true }],
    ["local file", async () => `file://${ctx.media}`, { finite: true }],
    [".mp4 over HTTP", async () => `${ctx.www}/talk.mp4`, { finite: true }],
    ["RTMP stream that ends", rtmpStream, { finite: false }],
  ];

  it.each(cases)(
    "%s → one session with the source once; two more polls record nothing",
    async (name, start, want) => {
      const { prisma, user } = ctx;
      const source = await start();
      const streamer = await prisma.streamer.create({
        data: { userId: user.id, name, kind: "URL", source, segmentSeconds: 2 },
      });
      const { checkStreamer } = await import("@/lib/live/check-streamer");
      const first = await checkStreamer(streamer.id, user.id);
      expect(first.status).toBe("live");
      const session = await waitFor(
        async () => {
          const s = await prisma.liveSession.findUniqueOrThrow({ where: { id: first.sessionId! } });
          return s.status !== "RECORDING" && s;
        },
        60_000,
        `${name}: the session to end`,
      );
      expect(session.status).toBe("ENDED");
      const polls = [await checkStreamer(streamer.id, user.id), await checkStreamer(streamer.id, user.id)];
      // A recording is no longer watched; a live stream that is gone is offline.
      expect(polls.map((p) => p.status)).toEqual(want.finite ? ["skipped", "skipped"] : ["offline", "offline"]);
      expect(await prisma.liveSession.count({ where: { streamerId: streamer.id } })).toBe(1);
      const segments = await prisma.segment.findMany({ where: { sessionId: session.id } });
      const recorded = segments.reduce((n, s) => n + s.duration, 0);
      // The source once (a live edge joined late may miss its first second or two), never twice.
      expect(recorded).toBeGreaterThan(SECONDS - 3);
      expect(recorded).toBeLessThan(SECONDS + 1);
      expect((await prisma.streamer.findUniqueOrThrow({ where: { id: streamer.id } })).monitored).toBe(!want.finite);
      // What was recorded decodes: every segment is processed (its audio extracted and transcribed).
      const processed = await waitFor(
        async () => {
          const s = await prisma.segment.findMany({ where: { sessionId: session.id } });
          return s.every((x) => x.status === "DONE" || x.status === "ERROR") && s;
        },
        60_000,
        `${name}: its segments processed`,
      );
      expect(processed.map((x) => [x.number, x.status, x.error])).toEqual(
        processed.map((x) => [x.number, "DONE", null]),
      );
    },
    90_000,
  );
});
