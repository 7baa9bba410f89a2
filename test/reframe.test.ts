/**
 * Reframing on real parts: the facecam box API (ownership, exact bad-input bodies, nothing stored on a refusal)
 * and the follow and split export layouts through POST /api/exports, the embedded runner and the real
 * export-clip function (real ffmpeg, the real face detector), checked on the stored files.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { freePorts, loadApiRoutes } from "./app-server";
import { startAppWithRunner } from "./fixtures/app-with-runner";
import { FACE_VIDEO, FACECAM, faceCx, frameRgb, makeFacecamVideo, makeFaceVideo, pixel } from "./fixtures/face-video";
import { signUpViaApi, waitFor } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "reframe-"));
const stamp = Date.now();
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const [appPort, runnerPort] = await freePorts(2);
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "reframe-test-recorder-secret";
  const { prisma, server, runner } = await startAppWithRunner({ routes: await loadApiRoutes(), appPort, runnerPort });
  await waitFor(
    async () =>
      (await prisma.jobFunction.count({ where: { appId: "clipstream", id: "clipstream-export-clip" } })) === 1,
    20_000,
    "function registration",
  );
  const signUp = (name: string, ip: string) =>
    signUpViaApi(server.url, { email: `${name}-${stamp}@example.com`, password: "reframe-pass-12", name, ip });
  const erin = await signUp("erin", "10.7.0.1");
  const frank = await signUp("frank", "10.7.0.2");

  const { getStore, storageKeys } = await import("@/lib/storage");
  const store = getStore();
  const streamer = await prisma.streamer.create({
    data: {
      userId: erin.id,
      name: "Erin talks",
      kind: "URL",
      source: "https://93.184.215.14/e.m3u8",
      monitored: false,
    },
  });
  const session = await prisma.liveSession.create({
    data: { userId: erin.id, streamerId: streamer.id, segmentSeconds: 30, status: "ENDED" },
  });
  /** A READY clip of Erin's whose stored video is `file`. */
  const clipOf = async (key: string, file: string, seconds: number) => {
    const clip = await prisma.clip.create({
      data: {
        userId: erin.id,
        streamerId: streamer.id,
        sessionId: session.id,
        detectionKey: key,
        startTime: 0,
        endTime: seconds,
        duration: seconds,
        title: `Clip ${key}`,
        reason: "test",
        score: 50,
        engine: "offline",
        status: "READY",
        videoKey: storageKeys.clipVideo(`${key}-${stamp}`),
        thumbKey: storageKeys.clipThumb(`${key}-${stamp}`),
      },
    });
    await store.put(clip.videoKey!, file, { contentType: "video/mp4" });
    await store.put(clip.thumbKey!, Buffer.from("jpeg"), { contentType: "image/jpeg" });
    return clip;
  };
  const faceClip = await clipOf("face", makeFaceVideo(path.join(tmp, "face.mp4")), FACE_VIDEO.seconds);
  const camClip = await clipOf("cam", makeFacecamVideo(path.join(tmp, "cam.mp4")), 3);
  return { prisma, server, runner, erin, frank, streamer, faceClip, camClip };
}

beforeAll(async () => {
  ctx = await setup();
});

afterAll(async () => {
  await ctx?.runner.stop();
  await ctx?.prisma.jobRun.deleteMany({ where: { functionId: { startsWith: "clipstream-" } } });
  await ctx?.server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function call(method: string, p: string, json?: unknown, as = ctx.erin) {
  const headers: Record<string, string> = { cookie: as.cookie, origin: ctx.server.url };
  if (json !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${ctx.server.url}${p}`, {
    method,
    headers,
    body: json === undefined ? undefined : typeof json === "string" ? json : JSON.stringify(json),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, json: body };
}

const storedBox = async () =>
  (await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: ctx.streamer.id } })).facecamBox;
const invalid = (message: string) => ({ error: { code: "invalid_input", message } });

describe("the facecam box", () => {
  it("is chosen, read back with a still frame of the stream, and cleared", async () => {
    const url = `/api/streamers/${ctx.streamer.id}/facecam`;
    const before = await call("GET", url);
    expect(before.status).toBe(200);
    const frame = (before.json as { frame: { url: string; clipId: string } }).frame;
    expect(before.json).toEqual({ facecamBox: null, frame: { url: expect.any(String), clipId: ctx.camClip.id } });
    // The still is the newest ready clip's thumbnail, served through a signed media URL.
    const still = await fetch(`${ctx.server.url}${frame.url}`);
    expect([still.status, await still.text()]).toEqual([200, "jpeg"]);

    expect(await call("PUT", url, FACECAM)).toEqual({ status: 200, json: { facecamBox: FACECAM } });
    expect(await storedBox()).toEqual(FACECAM);
    expect((await call("GET", url)).json).toMatchObject({ facecamBox: FACECAM });

    expect(await call("DELETE", url)).toEqual({ status: 200, json: { facecamBox: null } });
    expect(await storedBox()).toBeNull();
  });

  it("is another user's to neither read nor change (404, nothing stored)", async () => {
    await ctx.prisma.streamer.update({ where: { id: ctx.streamer.id }, data: { facecamBox: FACECAM } });
    const url = `/api/streamers/${ctx.streamer.id}/facecam`;
    const notFound = { error: { code: "not_found", message: "Streamer not found." } };
    expect(await call("GET", url, undefined, ctx.frank)).toEqual({ status: 404, json: notFound });
    expect(await call("PUT", url, { x: 0, y: 0, w: 0.5, h: 0.5 }, ctx.frank)).toEqual({ status: 404, json: notFound });
    expect(await call("DELETE", url, undefined, ctx.frank)).toEqual({ status: 404, json: notFound });
    expect(await storedBox()).toEqual(FACECAM);
    expect(await call("PUT", `/api/streamers/nope/facecam`, FACECAM)).toEqual({ status: 404, json: notFound });
  });

  it.each([
    ["outside the frame", 422, { x: 0.8, y: 0.1, w: 0.3, h: 0.3 }, invalid("the box must lie inside the frame")],
    ["negative", 422, { x: -0.1, y: 0, w: 0.3, h: 0.3 }, invalid("x: Too small: expected number to be >=0")],
    [
      "above 1",
      422,
      { x: 0, y: 0, w: 1.5, h: 0.3 },
      invalid("w: Too big: expected number to be <=1; the box must lie inside the frame"),
    ],
    [
      "too small",
      422,
      { x: 0.1, y: 0.1, w: 0.01, h: 0.3 },
      invalid("the box must be at least 4 % of the frame on each side"),
    ],
    [
      "a side missing",
      422,
      { x: 0.1, y: 0.1, w: 0.3 },
      invalid("h: Invalid input: expected number, received undefined"),
    ],
    [
      "a string",
      422,
      { x: "0.1", y: 0.1, w: 0.3, h: 0.3 },
      invalid("x: Invalid input: expected number, received string"),
    ],
    ["an unknown key", 422, { ...FACECAM, z: 1 }, invalid('Unrecognized key: "z"')],
    ["not JSON", 400, "{x:", { error: { code: "bad_request", message: "Request body is not valid JSON." } }],
  ])("PUT %s → %i, the stored box unchanged", async (_name, status, json, body) => {
    await ctx.prisma.streamer.update({ where: { id: ctx.streamer.id }, data: { facecamBox: FACECAM } });
    expect(await call("PUT", `/api/streamers/${ctx.streamer.id}/facecam`, json)).toEqual({ status, json: body });
    expect(await storedBox()).toEqual(FACECAM);
  });
});

type TExport = { id: string; status: string; width: number; height: number; cropMaxSpeed: number | null; url: string };

async function exportOne(clipId: string, layout: string): Promise<TExport> {
  const r = await call("POST", "/api/exports", { clipIds: [clipId], preset: "tiktok", layout, captions: false });
  expect(r.status).toBe(202);
  const [created] = (r.json as { exports: TExport[] }).exports;
  return waitFor(
    async () => {
      const list = (await call("GET", `/api/exports?ids=${created.id}`)).json as { exports: TExport[] };
      if (list.exports[0].status === "ERROR") throw new Error(`export failed: ${JSON.stringify(list)}`);
      return list.exports[0].status === "READY" ? list.exports[0] : null;
    },
    240_000,
    `${layout} export`,
    500,
  );
}

async function download(url: string, name: string) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, Buffer.from(await (await fetch(`${ctx.server.url}${url}`)).arrayBuffer()));
  return file;
}

describe("the split layout", () => {
  it("is refused for a landscape preset, and until the streamer's facecam box is chosen; nothing is created", async () => {
    await ctx.prisma.streamer.update({ where: { id: ctx.streamer.id }, data: { facecamBox: Prisma.DbNull } });
    const before = await ctx.prisma.clipExport.count({ where: { userId: ctx.erin.id } });
    const body = { clipIds: [ctx.camClip.id], layout: "split", captions: false };
    expect(await call("POST", "/api/exports", { ...body, preset: "x_landscape" })).toEqual({
      status: 422,
      json: invalid("The split layout needs a vertical preset; X (16:9) is not."),
    });
    expect(await call("POST", "/api/exports", { ...body, preset: "tiktok" })).toEqual({
      status: 409,
      json: {
        error: {
          code: "conflict",
          message:
            'Choose Erin talks\'s facecam box first (streamer settings → Facecam box) to export "Clip cam" as facecam + content.',
        },
      },
    });
    expect(await ctx.prisma.clipExport.count({ where: { userId: ctx.erin.id } })).toBe(before);
  });

  it("puts the facecam box on top (1080×768) and the content below (1080×1152)", async () => {
    await ctx.prisma.streamer.update({ where: { id: ctx.streamer.id }, data: { facecamBox: FACECAM } });
    const done = await exportOne(ctx.camClip.id, "split");
    expect([done.width, done.height, done.cropMaxSpeed]).toEqual([1080, 1920, null]);
    const rgb = frameRgb(await download(done.url, "split.mp4"), 1, 1080, 1920);
    const red = ([r, g, b]: number[]) => r > 180 && g < 70 && b < 70;
    const blue = ([r, g, b]: number[]) => b > 180 && r < 70 && g < 70;
    const green = ([r, g, b]: number[]) => g > 180 && r < 70 && b < 70;
    // The whole top part is the (red) facecam, edge to edge.
    for (const [x, y] of [
      [20, 20],
      [540, 384],
      [1060, 20],
      [20, 750],
      [1060, 750],
    ])
      expect(red(pixel(rgb, 1080, x, y)), `top (${x},${y}) ${pixel(rgb, 1080, x, y)}`).toBe(true);
    // Below: the frame's centre (green) in the middle of the content part, the blue stream around it.
    expect(green(pixel(rgb, 1080, 540, 768 + 576))).toBe(true);
    for (const [x, y] of [
      [40, 800],
      [540, 1880],
      [40, 1880],
    ])
      expect(blue(pixel(rgb, 1080, x, y)), `bottom (${x},${y}) ${pixel(rgb, 1080, x, y)}`).toBe(true);
  });
});

describe("the follow layout", () => {
  it("exports 1080×1920 with the face kept in the middle, and reports the crop's largest speed", async () => {
    const done = await exportOne(ctx.faceClip.id, "follow");
    expect([done.width, done.height]).toEqual([1080, 1920]);
    // Source px/s: about the face's own 95 px/s (no catch-up bursts), under the default bound of 40 % of the
    // 640-px frame width a second.
    expect(done.cropMaxSpeed).toBeGreaterThan(80);
    expect(done.cropMaxSpeed).toBeLessThan(1.25 * 95);
    expect(done.cropMaxSpeed).toBeLessThanOrEqual(0.4 * FACE_VIDEO.width);
    const row = await ctx.prisma.clipExport.findUniqueOrThrow({ where: { id: done.id } });
    expect(row.cropMaxSpeed).toBe(done.cropMaxSpeed);
    console.log(`[reframe] follow export: crop window max speed ${done.cropMaxSpeed!.toFixed(0)} px/s`);

    const out = await download(done.url, "follow.mp4");
    const { loadFaceDetector } = await import("@/lib/studio/reframe/face-detector");
    const detect = await loadFaceDetector();
    for (const t of [0.5, 3, 6.5]) {
      expect(faceCx(t)).not.toBeNull();
      const faces = await detect(new Uint8Array(frameRgb(out, t, 270, 480)), 270, 480);
      expect(faces, `t=${t}`).toHaveLength(1);
      expect(Math.abs(faces[0].x + faces[0].width / 2 - 135), `t=${t}`).toBeLessThan(0.3 * 270);
    }
  });
});
