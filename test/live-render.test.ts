/**
 * Clips cut before their segment closes (issue 17, part 2): the real recorder records a 45-s 720p30 source
 * with 900-s segments into blob storage; clips are rendered by the real render step (renderClipMedia: real
 * PostgreSQL, ffmpeg) from the live parts while the segment records, waiting for the live edge when the clip
 * ends ahead of it, and from the stored segment once it has closed. Frames are checked against the source.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TRecorderWebhook } from "@/lib/recorder/protocol";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "live-render-"));
process.env.STORAGE_DIR = path.join(tmp, "blobs");
const SECRET = "live-render-test-secret-123";
const SOURCE_SECONDS = 45;
const sample = path.join(tmp, "sample.mp4");

type TCtx = Awaited<ReturnType<typeof setup>>;
let ctx: TCtx;

async function setup() {
  const { prisma } = await import("@/lib/db");
  const { makeSampleStream } = await import("@/lib/media");
  const { getStore } = await import("@/lib/storage");
  const { startRecorder } = await import("@/recorder/main");
  await makeSampleStream({ out: sample, seconds: SOURCE_SECONDS, size: "1280x720", fps: 30 });
  const stamp = Date.now();
  const user = await prisma.user.create({
    data: { id: `lr-${stamp}`, name: "Live render", email: `live-render-${stamp}@example.com` },
  });
  const streamer = await prisma.streamer.create({
    data: { userId: user.id, name: "s", kind: "URL", source: "https://93.184.215.14/s.m3u8", monitored: false },
  });
  const session = await prisma.liveSession.create({
    data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 900 },
  });
  // The app's side of the recorder: its segments become Segment rows, as /api/webhooks/recorder does.
  const received: TRecorderWebhook[] = [];
  const app = http.createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    if (req.method === "GET") return res.writeHead(200).end(JSON.stringify({ sessions: [] }));
    const msg = JSON.parse(body) as TRecorderWebhook;
    if (msg.type === "segment.recorded") {
      await prisma.segment.create({
        data: {
          userId: user.id,
          sessionId: msg.sessionId,
          number: msg.number,
          startOffset: msg.startOffset,
          duration: msg.duration,
          storageKey: msg.storageKey,
          final: msg.final,
        },
      });
    }
    received.push(msg);
    res.writeHead(200).end("{}");
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
  const recorder = await startRecorder({
    port: 0,
    appUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
    secret: SECRET,
    allowPrivateSources: true,
    spoolDir: path.join(tmp, "spool"),
    store: getStore(),
    log: () => {},
  });
  const { signRequest, SIGNATURE_HEADER } = await import("@/lib/signing");
  const body = JSON.stringify({
    sessionId: session.id,
    streamerId: streamer.id,
    source: { kind: "url", url: `file://${sample}` },
    segmentSeconds: 900,
  });
  const started = await fetch(`${recorder.url}/sessions`, {
    method: "POST",
    headers: { [SIGNATURE_HEADER]: signRequest(SECRET, "POST", "/sessions", body) },
    body,
  });
  expect(started.status).toBe(201);
  return { prisma, user, streamer, session, recorder, app, received };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  await ctx?.recorder.stop();
  await new Promise<void>((r) => (ctx ? ctx.app.close(() => r()) : r()));
  await ctx?.prisma.liveSession.update({ where: { id: ctx.session.id }, data: { status: "ENDED" } });
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** CPU seconds (user + system) of this process's finished child processes (ffmpeg, ffprobe): Linux /proc. */
function childCpuSeconds(): number {
  const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime in clock ticks (USER_HZ = 100)
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function liveEdge(): Promise<number> {
  const { readLiveManifest, liveEdgeOf } = await import("@/lib/live-edge/manifest");
  const m = await readLiveManifest(ctx.session.id);
  return (m && liveEdgeOf(m)) ?? 0;
}

async function newClip(start: number, end: number) {
  return ctx.prisma.clip.create({
    data: {
      userId: ctx.user.id,
      streamerId: ctx.streamer.id,
      sessionId: ctx.session.id,
      detectionKey: `live-${start}-${end}-${Date.now()}`,
      startTime: start,
      endTime: end,
      title: "live clip",
      reason: "test",
      score: 50,
      engine: "offline",
    },
  });
}

async function rendered(clipId: string, name: string) {
  const { getStore } = await import("@/lib/storage");
  const clip = await ctx.prisma.clip.findUniqueOrThrow({ where: { id: clipId } });
  expect(clip.status).toBe("READY");
  const file = path.join(tmp, `${name}.mp4`);
  await getStore().download(clip.videoKey!, file);
  expect((await getStore().stat(clip.thumbKey!))?.size).toBeGreaterThan(0);
  const info = JSON.parse(
    execFileSync("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "format=duration:stream=codec_type",
      "-of",
      "json",
      file,
    ]).toString(),
  ) as { format: { duration: string }; streams: { codec_type: string }[] };
  return { clip, file, duration: Number(info.format.duration), kinds: info.streams.map((s) => s.codec_type).sort() };
}

/** Which source frame (offset in frames from `t`, within ±2) the clip's frame at `clipT` is. */
function matchingFrame(clipFile: string, clipT: number, t: number): number {
  let best = { k: 0, db: -1 };
  for (let k = -2; k <= 2; k++) {
    const r = spawnSync(
      "ffmpeg",
      [
        "-hide_banner",
        "-nostdin",
        "-ss",
        String(clipT),
        "-i",
        clipFile,
        "-ss",
        (t + k / 30).toFixed(4),
        "-i",
        sample,
      ].concat(["-frames:v", "1", "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"]),
      { encoding: "utf8" },
    );
    const m = /average:([\d.]+|inf)/.exec(r.stderr);
    const db = m ? (m[1] === "inf" ? 100 : Number(m[1])) : 0;
    if (db > best.db) best = { k, db };
  }
  return best.k;
}

describe("clips cut before their segment closes", () => {
  it("a clip ending ahead of the live edge waits for it, then renders from the parts", async () => {
    const { renderClipMedia } = await import("@/lib/pipeline/render-clip-media");
    while ((await liveEdge()) < 5) await sleep(200);
    const edgeAtRequest = await liveEdge();
    const clip = await newClip(3, 11);
    expect(edgeAtRequest).toBeLessThan(11);
    const r = await renderClipMedia(clip.id);
    expect(r.source).toBe("parts");
    expect(await liveEdge()).toBeGreaterThanOrEqual(11 - 0.05);
    expect(ctx.received.filter((m) => m.type === "segment.recorded")).toHaveLength(0);
    const out = await rendered(clip.id, "wait");
    expect(out.kinds).toEqual(["audio", "video"]);
    expect(Math.abs(out.duration - 8)).toBeLessThan(0.1);
    expect(out.clip).toMatchObject({ startTime: 3, endTime: 11 });
  });

  it("a 30-s clip inside the open segment renders from the parts, frame-accurately, in a few seconds", async () => {
    const { renderClipMedia } = await import("@/lib/pipeline/render-clip-media");
    while ((await liveEdge()) < 36) await sleep(200);
    expect(ctx.received.filter((m) => m.type === "segment.recorded")).toHaveLength(0);
    const clip = await newClip(4, 34);
    const [t0, cpu0] = [performance.now(), childCpuSeconds()];
    const r = await renderClipMedia(clip.id);
    const ms = performance.now() - t0;
    const cpu = childCpuSeconds() - cpu0;
    const load = os.loadavg()[0].toFixed(1);
    console.log(JSON.stringify({ measure: "render 30-s 720p30 clip from live parts", ms: Math.round(ms), cpu, load }));
    expect(r.source).toBe("parts");
    const out = await rendered(clip.id, "parts");
    expect(out.kinds).toEqual(["audio", "video"]);
    expect(Math.abs(out.duration - 30)).toBeLessThan(0.1);
    // Frame check: the clip's frames are the source's frames at the same session time (±1 frame).
    for (const at of [0.5, 20]) expect(Math.abs(matchingFrame(out.file, at, 4 + at))).toBeLessThanOrEqual(1);
  });

  it("a live-edge clip is cut from the parts without re-encoding while other clips wait to be rendered (backpressure)", async () => {
    const { renderClipMedia } = await import("@/lib/pipeline/render-clip-media");
    const { RENDER_BACKLOG_KEYFRAME, liveRenderCut } = await import("@/lib/pipeline/render-backlog");
    while ((await liveEdge()) < 20) await sleep(200);
    const waiting = [];
    for (let i = 0; i < RENDER_BACKLOG_KEYFRAME; i++) waiting.push(await newClip(1 + i, 6 + i));
    const live = await ctx.prisma.clip.update({ where: { id: (await newClip(8, 18)).id }, data: { origin: "LIVE" } });
    // New live-edge clips are sent to the keyframe lane at once (inngest/render-clip.ts).
    expect(await liveRenderCut([live.id])).toBe("keyframe");
    expect(await renderClipMedia(live.id)).toMatchObject({ source: "parts", cut: "keyframe" });
    // A clip from a segment, and an exact cut asked for, are re-encoded whatever the backlog.
    expect(await renderClipMedia(live.id, { cut: "exact" })).toMatchObject({ cut: "exact" });
    const fromSegment = await newClip(9, 17);
    expect(await renderClipMedia(fromSegment.id)).toMatchObject({ cut: "exact" });
    // With nothing waiting, a live-edge clip is re-encoded, frame-accurately (from the parts, or from the
    // segment if it has been stored meanwhile).
    await ctx.prisma.clip.deleteMany({ where: { id: { in: waiting.map((c) => c.id) } } });
    const quiet = await ctx.prisma.clip.update({ where: { id: (await newClip(10, 16)).id }, data: { origin: "LIVE" } });
    expect(await liveRenderCut([quiet.id])).toBeNull();
    expect(await renderClipMedia(quiet.id)).toMatchObject({ cut: "exact" });
  });

  it('a "Clip that" keyframe cut copies the parts from the part boundary before its start and stores the range it holds', async () => {
    const { renderClipMedia } = await import("@/lib/pipeline/render-clip-media");
    const { readLiveManifest } = await import("@/lib/live-edge/manifest");
    while ((await liveEdge()) < 36) await sleep(200);
    const part = (await readLiveManifest(ctx.session.id))!.parts.find(
      (p) => p.start <= 4.4 && p.start + p.duration > 4.4,
    )!;
    const clip = await newClip(4.4, 34.4);
    const [t0, cpu0] = [performance.now(), childCpuSeconds()];
    const r = await renderClipMedia(clip.id, { cut: "keyframe" });
    const ms = performance.now() - t0;
    const cpu = childCpuSeconds() - cpu0;
    const load = os.loadavg()[0].toFixed(1);
    console.log(
      JSON.stringify({ measure: "keyframe cut 30-s 720p30 clip from live parts", ms: Math.round(ms), cpu, load }),
    );
    expect(r).toMatchObject({ source: "parts", cut: "keyframe" });
    const out = await rendered(clip.id, "keyframe");
    expect(out.kinds).toEqual(["audio", "video"]);
    // The clip starts at the boundary of the part holding 4.4 s, and says so; its end is the one asked for.
    expect(out.clip.startTime).toBe(part.start);
    expect(out.clip.startTime).toBeLessThanOrEqual(4.4);
    expect(Math.abs(out.clip.duration! - out.duration)).toBeLessThan(0.001);
    expect(out.clip.endTime).toBeCloseTo(out.clip.startTime + out.clip.duration!, 3);
    expect(Math.abs(out.clip.endTime - 34.4)).toBeLessThan(0.1);
    // Its frames are the source's at the stored session time.
    for (const at of [0.5, 20]) expect(Math.abs(matchingFrame(out.file, at, part.start + at))).toBeLessThanOrEqual(1);
  });

  it("once the segment is stored, the same range renders from the segment", async () => {
    const { renderClipMedia } = await import("@/lib/pipeline/render-clip-media");
    while (!ctx.received.some((m) => m.type === "session.ended")) await sleep(200);
    const clip = await newClip(4, 34);
    const r = await renderClipMedia(clip.id);
    expect(r.source).toBe("segments");
    const out = await rendered(clip.id, "segments");
    expect(Math.abs(out.duration - 30)).toBeLessThan(0.1);
    for (const at of [0.5, 20]) expect(Math.abs(matchingFrame(out.file, at, 4 + at))).toBeLessThanOrEqual(1);
  });

  it("a render whose clip a segment refines meanwhile is discarded; the render of the new edges stands", async () => {
    const { renderClipMedia } = await import("@/lib/pipeline/render-clip-media");
    const { getStore } = await import("@/lib/storage");
    while (!ctx.received.some((m) => m.type === "session.ended")) await sleep(200);
    const clip = await newClip(4, 34);
    const first = renderClipMedia(clip.id);
    while ((await ctx.prisma.clip.findUniqueOrThrow({ where: { id: clip.id } })).status !== "RENDERING")
      await sleep(20);
    // What a closing segment does to an unreviewed live clip whose edges it moves (insert-detected-clips.ts).
    await ctx.prisma.clip.update({ where: { id: clip.id }, data: { startTime: 6, endTime: 26, status: "PENDING" } });
    expect((await first).stale).toBe(true);
    expect(await ctx.prisma.clip.findUniqueOrThrow({ where: { id: clip.id } })).toMatchObject({
      status: "PENDING",
      startTime: 6,
      endTime: 26,
      videoKey: null,
    });
    expect(await getStore().list(`clips/${clip.id}/`)).toEqual([]);

    expect((await renderClipMedia(clip.id)).stale).toBe(false);
    const out = await rendered(clip.id, "refined");
    expect(out.clip).toMatchObject({ startTime: 6, endTime: 26 });
    expect(Math.abs(out.duration - 20)).toBeLessThan(0.1);
    const files = (await getStore().list(`clips/${clip.id}/`)).map((b) => b.key).sort();
    expect(files).toEqual([out.clip.thumbKey, out.clip.videoKey].sort());

    // Rendered again (a retry): the new files replace the old ones, which are deleted.
    await renderClipMedia(clip.id);
    const again = await ctx.prisma.clip.findUniqueOrThrow({ where: { id: clip.id } });
    expect(again.videoKey).not.toBe(out.clip.videoKey);
    expect((await getStore().list(`clips/${clip.id}/`)).map((b) => b.key).sort()).toEqual(
      [again.thumbKey, again.videoKey].sort(),
    );
  });
});
