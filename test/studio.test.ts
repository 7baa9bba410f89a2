/**
 * Clip studio on real parts: the app's route handlers, real better-auth sessions, the real Inngest functions
 * through the embedded runner, real PostgreSQL, and real ffmpeg/ffprobe on a recorded (generated) session.
 * Trim, captions, exports and manual clips; bad input gets exact error bodies and changes nothing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, loadApiRoutes } from "./app-server";
import { startAppWithRunner } from "./fixtures/app-with-runner";
import { signUpViaApi, waitFor } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "studio-"));
const stamp = Date.now();
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const [appPort, runnerPort] = await freePorts(2);
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "studio-test-recorder-secret";
  const { prisma, server, runner } = await startAppWithRunner({ routes: await loadApiRoutes(), appPort, runnerPort });
  await waitFor(
    async () => (await prisma.jobFunction.count({ where: { appId: "clipstream", id: "clipstream-trim-clip" } })) === 1,
    20_000,
    "function registration",
  );

  const user = await signUpViaApi(server.url, {
    email: `studio-${stamp}@example.com`,
    password: "studio-pass-123",
    name: "studio",
    ip: "10.3.0.1",
  });
  const { cookie } = user;

  const { seedRecordedSession } = await import("./fixtures/recorded-session");
  const rec = await seedRecordedSession({ userId: user.id, dir: tmp, seconds: 24, segmentSeconds: 6 });
  const { renderRange } = await import("@/lib/studio/render-range");
  const { storageKeys } = await import("@/lib/storage");
  const newClip = async (key: string, start: number, end: number) => {
    const clip = await prisma.clip.create({
      data: {
        userId: user.id,
        streamerId: rec.streamer.id,
        sessionId: rec.session.id,
        detectionKey: key,
        startTime: start,
        endTime: end,
        title: `Clip ${key}`,
        reason: "test",
        score: 50,
        engine: "offline",
      },
    });
    const r = await renderRange({
      sessionId: rec.session.id,
      start,
      end,
      videoKey: storageKeys.clipVideo(clip.id),
      thumbKey: storageKeys.clipThumb(clip.id),
    });
    return prisma.clip.update({
      where: { id: clip.id },
      data: {
        status: "READY",
        duration: r.duration,
        videoKey: storageKeys.clipVideo(clip.id),
        thumbKey: storageKeys.clipThumb(clip.id),
      },
    });
  };
  return { prisma, server, runner, user, cookie, rec, newClip };
}

async function call(method: string, p: string, json?: unknown) {
  const headers: Record<string, string> = { cookie: ctx.cookie };
  if (json !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${ctx.server.url}${p}`, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  let body: unknown = null;
  try {
    body = JSON.parse(buf.toString("utf8"));
  } catch {}
  return { status: res.status, json: body, text: buf.toString("utf8"), buf, headers: res.headers };
}

/** ffprobe of a stored file: container duration and size, plus the video stream's decoded frame count. */
async function probeStored(key: string) {
  const { getStore } = await import("@/lib/storage");
  const { probeMedia, runTool } = await import("@/lib/media");
  const file = path.join(tmp, `probe-${Math.random().toString(36).slice(2)}.mp4`);
  await getStore().download(key, file);
  const { stdout } = await runTool("ffprobe", [
    "-v",
    "error",
    "-select_streams",
    "v",
    "-count_frames",
    "-show_entries",
    "stream=nb_read_frames",
    "-of",
    "csv=p=0",
    file,
  ]);
  return { ...(await probeMedia(file)), frames: Number(stdout.trim()), file };
}

beforeAll(async () => {
  ctx = await setup();
}, 180_000);

afterAll(async () => {
  await ctx?.runner.stop();
  await ctx?.prisma.jobRun.deleteMany({ where: { functionId: { startsWith: "clipstream-" } } });
  await ctx?.server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const invalid = (message: string) => ({ error: { code: "invalid_input", message } });
const conflict = (message: string) => ({ error: { code: "conflict", message } });

describe("trim", () => {
  it("re-renders the new range frame-accurately across segments and swaps the media only when it is stored", async () => {
    const clip = await ctx.newClip("trim", 4, 10);
    const before = await probeStored(clip.videoKey!);
    expect(before.duration).toBeCloseTo(6, 1);

    const r = await call("POST", `/api/clips/${clip.id}/trim`, { start: 5.5, end: 16.25 });
    expect(r.status).toBe(202);
    const dto = (r.json as { clip: { trim: unknown; startTime: number; videoUrl: string } }).clip;
    // Until the new render is stored, the clip keeps its range and media.
    expect(dto.trim).toEqual({ start: 5.5, end: 16.25 });
    expect(dto.startTime).toBe(4);
    expect(dto.videoUrl).toContain(clip.videoKey!);

    const done = await waitFor(
      async () => {
        const c = await ctx.prisma.clip.findUniqueOrThrow({ where: { id: clip.id } });
        return c.trimStart === null ? c : null;
      },
      90_000,
      "trim render",
    );
    expect(done.trimError).toBeNull();
    expect([done.startTime, done.endTime, done.status]).toEqual([5.5, 16.25, "READY"]);
    expect(done.videoKey).not.toBe(clip.videoKey);
    const after = await probeStored(done.videoKey!);
    expect(Math.abs(after.duration - 10.75)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(done.duration! - 10.75)).toBeLessThanOrEqual(0.1);
    // Every frame of the range (15 fps) and no more: a keyframe-snapped cut would be off by up to a second.
    expect(Math.abs(after.frames - 10.75 * 15)).toBeLessThanOrEqual(2);
    // The old files are gone, the thumbnail was re-made.
    const { getStore } = await import("@/lib/storage");
    expect(await getStore().stat(clip.videoKey!)).toBeNull();
    expect(await getStore().stat(clip.thumbKey!)).toBeNull();
    expect(await getStore().stat(done.thumbKey!)).not.toBeNull();
  });

  it("the waveform covers the clip with context, from the stored loudness", async () => {
    const clip = await ctx.newClip("wave", 8, 12);
    const r = await call("GET", `/api/clips/${clip.id}/waveform`);
    expect(r.status).toBe(200);
    const w = r.json as { window: { start: number; end: number }; stored: boolean; peaks: (number | null)[] };
    expect(w.window.start).toBe(0);
    expect(w.window.end).toBeCloseTo(24, 0);
    expect(w.stored).toBe(true);
    expect(w.peaks.length).toBe(Math.round(w.window.end * 5));
    // Loudness windows are 400 ms long, so only the first and last buckets may lack a value.
    expect(w.peaks.slice(2, -2).every((p) => p !== null && p >= 0 && p <= 1)).toBe(true);
    // The sample's loud, excited passage starts at 14 s: louder than the calm narration before it.
    const at = (t: number) => w.peaks[Math.floor(t * 5)]!;
    expect(at(15)).toBeGreaterThan(at(3) + 0.1);

    // The live preview: the same window as a ≤360p proxy, rendered by the render-preview function, once however
    // many requests ask at the same time, then cached.
    const t0 = Date.now();
    const asks = await Promise.all([1, 2, 3].map(() => call("GET", `/api/clips/${clip.id}/preview`)));
    expect(asks.map((a) => [a.status, a.json])).toEqual(
      [1, 2, 3].map(() => [202, { window: w.window, status: "rendering" }]),
    );
    const p1 = await waitFor(
      async () => {
        const r = await call("GET", `/api/clips/${clip.id}/preview`);
        return r.status === 200 && r;
      },
      60_000,
      "the preview proxy",
    );
    console.log(`[studio] 24 s preview proxy rendered in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const preview = p1.json as { window: { start: number; end: number }; status: string; url: string };
    expect([preview.window, preview.status]).toEqual([w.window, "ready"]);
    expect(
      await ctx.prisma.clipPreview.findMany({ where: { clipId: clip.id }, select: { status: true, attempts: true } }),
    ).toEqual([{ status: "READY", attempts: 1 }]);
    expect(await ctx.prisma.jobRun.count({ where: { functionId: "clipstream-render-preview" } })).toBe(1);
    const key = decodeURIComponent(new URL(preview.url, "http://x").pathname.replace("/api/media/", ""));
    const probed = await probeStored(key);
    expect([probed.height, Math.abs(probed.duration - (w.window.end - w.window.start)) <= 0.1]).toEqual([360, true]);
    expect((await call("GET", `/api/clips/${clip.id}/preview`)).json).toEqual(preview);
  });

  it.each([
    ["end before start", { start: 8, end: 6 }, 422, invalid("end must be after start.")],
    ["empty range", { start: 6, end: 6 }, 422, invalid("end must be after start.")],
    [
      "too short",
      { start: 6, end: 6.5 },
      422,
      invalid("A clip must be between 1 and 180 seconds long (this range is 0.5 s)."),
    ],
    [
      "too long",
      { start: 0, end: 200 },
      422,
      invalid("A clip must be between 1 and 180 seconds long (this range is 200.0 s)."),
    ],
    [
      "past the recording",
      { start: 20, end: 30 },
      422,
      invalid("That range is outside the stored recording of this session. The stored recording here runs 0:00–0:24."),
    ],
    [
      "not in the recording",
      { start: 100, end: 110 },
      422,
      invalid("That range is outside the stored recording of this session."),
    ],
    ["negative", { start: -1, end: 5 }, 422, invalid("start: Too small: expected number to be >=0")],
    ["string", { start: "1", end: 5 }, 422, invalid("start: Invalid input: expected number, received string")],
    ["missing end", { start: 1 }, 422, invalid("end: Invalid input: expected number, received undefined")],
    ["extra key", { start: 1, end: 5, userId: "x" }, 422, invalid('Unrecognized key: "userId"')],
  ])("POST /api/clips/[id]/trim: %s → %i", async (_name, json, status, body) => {
    const clip = await ctx.prisma.clip.findFirstOrThrow({ where: { userId: ctx.user.id, detectionKey: "wave" } });
    const r = await call("POST", `/api/clips/${clip.id}/trim`, json);
    expect([r.status, r.json]).toEqual([status, body]);
    expect(await ctx.prisma.clip.findUniqueOrThrow({ where: { id: clip.id } })).toEqual(clip);
  });

  it("refuses a trim while the clip renders, while another trim renders, and after the recording was purged", async () => {
    const rendering = await ctx.prisma.clip.create({
      data: {
        userId: ctx.user.id,
        streamerId: ctx.rec.streamer.id,
        sessionId: ctx.rec.session.id,
        detectionKey: "busy",
        startTime: 2,
        endTime: 8,
        title: "busy",
        reason: "t",
        score: 1,
        engine: "offline",
        status: "RENDERING",
      },
    });
    let r = await call("POST", `/api/clips/${rendering.id}/trim`, { start: 2, end: 6 });
    expect([r.status, r.json]).toEqual([
      409,
      { error: { code: "conflict", message: "The clip is still rendering; trim it when it is ready." } },
    ]);
    await ctx.prisma.clip.update({ where: { id: rendering.id }, data: { status: "READY", trimStart: 3, trimEnd: 7 } });
    r = await call("POST", `/api/clips/${rendering.id}/trim`, { start: 2, end: 6 });
    expect([r.status, r.json]).toEqual([
      409,
      { error: { code: "conflict", message: "A trim of this clip is already rendering." } },
    ]);

    const { seedRecordedSession } = await import("./fixtures/recorded-session");
    const purged = await seedRecordedSession({ userId: ctx.user.id, dir: tmp, seconds: 24, segmentSeconds: 12 });
    await ctx.prisma.segment.updateMany({
      where: { sessionId: purged.session.id },
      data: { deletedAt: new Date(), storageKey: null },
    });
    const old = await ctx.prisma.clip.create({
      data: {
        userId: ctx.user.id,
        streamerId: purged.streamer.id,
        sessionId: purged.session.id,
        detectionKey: "old",
        startTime: 2,
        endTime: 8,
        title: "old",
        reason: "t",
        score: 1,
        engine: "offline",
        status: "READY",
      },
    });
    r = await call("POST", `/api/clips/${old.id}/trim`, { start: 2, end: 6 });
    expect([r.status, r.json]).toEqual([
      409,
      { error: { code: "conflict", message: "The recording of this session is no longer stored." } },
    ]);
    r = await call("POST", "/api/clips/no-such-clip/trim", { start: 2, end: 6 });
    expect([r.status, r.json]).toEqual([404, { error: { code: "not_found", message: "Clip not found." } }]);
  });
});

describe("captions", () => {
  const SRT = [
    "1\n00:00:00,200 --> 00:00:02,080\nwelcome back to the stream everyone\n",
    "2\n00:00:03,600 --> 00:00:05,480\nthis round is going to be huge\n",
    "3\n00:00:07,000 --> 00:00:08,580\nno way that just happened\n",
  ].join("\n");

  it("derives word-timed cues from the transcript words in the clip's range; SRT and WebVTT match", async () => {
    const clip = await ctx.newClip("cap", 4, 13);
    const j = await call("GET", `/api/clips/${clip.id}/captions`);
    expect(j.status).toBe(200);
    const body = j.json as {
      edited: boolean;
      duration: number;
      cues: { start: number; end: number; text: string; words: { w: string; s: number }[] }[];
    };
    expect(body.edited).toBe(false);
    expect(body.cues.map((c) => [c.start, c.end, c.text])).toEqual([
      [0.2, 2.08, "welcome back to the stream everyone"],
      [3.6, 5.48, "this round is going to be huge"],
      [7, 8.58, "no way that just happened"],
    ]);
    expect(body.cues[1].words.slice(0, 2)).toEqual([
      { w: "this", s: 3.6, e: 3.88 },
      { w: "round", s: 3.9, e: 4.18 },
    ]);
    const srt = await call("GET", `/api/clips/${clip.id}/captions?format=srt`);
    expect([srt.status, srt.headers.get("content-type"), srt.text]).toEqual([
      200,
      "application/x-subrip; charset=utf-8",
      SRT,
    ]);
    const vtt = await call("GET", `/api/clips/${clip.id}/captions?format=vtt`);
    expect(vtt.headers.get("content-disposition")).toBe(`attachment; filename="clip-${clip.id}.vtt"`);
    expect(vtt.text).toBe(
      "WEBVTT\n\n00:00:00.200 --> 00:00:02.080\nwelcome back to the stream everyone\n\n00:00:03.600 --> 00:00:05.480\nthis round is going to be huge\n\n00:00:07.000 --> 00:00:08.580\nno way that just happened\n",
    );
  });

  it("what is edited is what is exported as SRT and WebVTT; a reset follows the transcript again", async () => {
    const clip = await ctx.prisma.clip.findFirstOrThrow({ where: { userId: ctx.user.id, detectionKey: "cap" } });
    const cues = [
      { start: 0.2, end: 2.08, text: "Welcome back, everyone!" },
      { start: 3.6, end: 5.48, text: "This round is going to be <huge> & loud" },
    ];
    const put = await call("PUT", `/api/clips/${clip.id}/captions`, { cues });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ edited: true, duration: 9, cues });
    const srt = await call("GET", `/api/clips/${clip.id}/captions?format=srt`);
    expect(srt.text).toBe(
      "1\n00:00:00,200 --> 00:00:02,080\nWelcome back, everyone!\n\n2\n00:00:03,600 --> 00:00:05,480\nThis round is going to be <huge> & loud\n",
    );
    const vtt = await call("GET", `/api/clips/${clip.id}/captions?format=vtt`);
    expect(vtt.text).toBe(
      "WEBVTT\n\n00:00:00.200 --> 00:00:02.080\nWelcome back, everyone!\n\n00:00:03.600 --> 00:00:05.480\nThis round is going to be &lt;huge> &amp; loud\n",
    );
    expect((await call("DELETE", `/api/clips/${clip.id}/captions`)).status).toBe(204);
    expect((await call("GET", `/api/clips/${clip.id}/captions?format=srt`)).text).toBe(SRT);
  });

  it.each([
    ["end before start", { cues: [{ start: 2, end: 1, text: "x" }] }, invalid("cues.0: end must be after start.")],
    ["past the clip", { cues: [{ start: 1, end: 9.5, text: "x" }] }, invalid("cues.0: ends after the clip (9.000 s).")],
    [
      "overlapping",
      {
        cues: [
          { start: 0, end: 2, text: "a" },
          { start: 1.5, end: 3, text: "b" },
        ],
      },
      invalid("cues.1: starts before the previous cue ends."),
    ],
    [
      "blank text",
      { cues: [{ start: 0, end: 2, text: "   " }] },
      invalid("cues.0.text: Too small: expected string to have >=1 characters"),
    ],
    [
      "long text",
      { cues: [{ start: 0, end: 2, text: "a".repeat(201) }] },
      invalid("cues.0.text: Too big: expected string to have <=200 characters"),
    ],
    [
      "negative start",
      { cues: [{ start: -1, end: 2, text: "a" }] },
      invalid("cues.0.start: Too small: expected number to be >=0"),
    ],
    ["no cues", {}, invalid("cues: Invalid input: expected array, received undefined")],
    ["extra key", { cues: [], clipId: "x" }, invalid('Unrecognized key: "clipId"')],
    [
      "extra cue key",
      { cues: [{ start: 0, end: 1, text: "a", style: "red" }] },
      invalid('cues.0: Unrecognized key: "style"'),
    ],
  ])("PUT /api/clips/[id]/captions: %s → 422", async (_name, json, body) => {
    const clip = await ctx.prisma.clip.findFirstOrThrow({ where: { userId: ctx.user.id, detectionKey: "cap" } });
    const r = await call("PUT", `/api/clips/${clip.id}/captions`, json);
    expect([r.status, r.json]).toEqual([422, body]);
    expect((await ctx.prisma.clip.findUniqueOrThrow({ where: { id: clip.id } })).captions).toBeNull();
  });

  it("GET /api/clips/[id]/captions?format=ass → 422", async () => {
    const clip = await ctx.prisma.clip.findFirstOrThrow({ where: { userId: ctx.user.id, detectionKey: "cap" } });
    const r = await call("GET", `/api/clips/${clip.id}/captions?format=ass`);
    expect([r.status, r.json]).toEqual([422, invalid("format must be json, srt or vtt.")]);
  });
});

type TExport = {
  id: string;
  status: string;
  progress: number;
  width: number;
  height: number;
  duration: number;
  url: string;
  captionsUrl: string | null;
};

async function waitExports(ids: string[]): Promise<TExport[]> {
  return waitFor(
    async () => {
      const r = await call("GET", `/api/exports?ids=${ids.join(",")}`);
      const list = (r.json as { exports: TExport[] }).exports;
      if (list.some((e) => e.status === "ERROR")) throw new Error(`export failed: ${JSON.stringify(list)}`);
      return list.length === ids.length && list.every((e) => e.status === "READY") ? list : null;
    },
    150_000,
    "exports",
  );
}

/** Bright pixels in a horizontal band of one frame (ffmpeg signalstats' YMAX over the band). */
async function bandMaxLuma(file: string, t: number, y0: number, y1: number): Promise<number> {
  const { runTool } = await import("@/lib/media");
  const { stderr } = await runTool("ffmpeg", [
    "-hide_banner",
    "-nostdin",
    "-ss",
    String(t),
    "-i",
    file,
    "-frames:v",
    "1",
    "-vf",
    `crop=iw:${y1 - y0}:0:${y0},signalstats,metadata=print:key=lavfi.signalstats.YMAX`,
    "-f",
    "null",
    "-",
  ]);
  return Number(/YMAX=(\d+)/.exec(stderr)![1]);
}

/** One video frame at `t` as 1080-wide RGB24 pixels. */
async function frameRgb(file: string, t: number): Promise<{ w: number; h: number; px: Buffer }> {
  const { runTool } = await import("@/lib/media");
  const out = path.join(tmp, `frame-${Math.random().toString(36).slice(2)}.rgb`);
  await runTool("ffmpeg", [
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "error",
    "-ss",
    String(t),
    "-i",
    file,
    "-frames:v",
    "1",
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "-y",
    out,
  ]);
  const px = fs.readFileSync(out);
  return { w: 1080, h: px.length / 3 / 1080, px };
}

/**
 * The pixels within `band` (rows), and within `within` if given, whose colour is within 60 (RGB distance) of
 * `hex`: how many, and their bounding box.
 */
function colourBox(
  f: { w: number; px: Buffer },
  band: [number, number],
  hex: string,
  within?: { x0: number; x1: number; y0: number; y1: number },
) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const box = { count: 0, x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
  const [ya, yb] = within ? [Math.max(band[0], within.y0), Math.min(band[1], within.y1)] : band;
  for (let y = ya; y <= yb; y++)
    for (let x = within?.x0 ?? 0; x <= (within?.x1 ?? f.w - 1); x++) {
      const o = (y * f.w + x) * 3;
      if (Math.hypot(f.px[o] - r, f.px[o + 1] - g, f.px[o + 2] - b) > 60) continue;
      box.count++;
      box.x0 = Math.min(box.x0, x);
      box.x1 = Math.max(box.x1, x);
      box.y0 = Math.min(box.y0, y);
      box.y1 = Math.max(box.y1, y);
    }
  return box;
}

describe("exports", () => {
  it("batch-exports for TikTok (pad): 1080x1920, the edited captions burned in and as SRT; one zip with everything", async () => {
    const a = await ctx.newClip("expA", 4, 13);
    const b = await ctx.newClip("expB", 14, 20);
    const edited = [
      { start: 0.2, end: 2.08, text: "EDITED opening line" },
      { start: 3.6, end: 5.48, text: "this round is huge" },
    ];
    expect((await call("PUT", `/api/clips/${a.id}/captions`, { cues: edited })).status).toBe(200);

    const r = await call("POST", "/api/exports", {
      clipIds: [a.id, b.id],
      preset: "tiktok",
      layout: "pad",
      captions: true,
    });
    expect(r.status).toBe(202);
    const created = (r.json as { exports: (TExport & { clipId: string; preset: string; layout: string })[] }).exports;
    expect(created.map((e) => [e.clipId, e.preset, e.layout, e.status])).toEqual([
      [a.id, "tiktok", "pad", "PENDING"],
      [b.id, "tiktok", "pad", "PENDING"],
    ]);
    const t0 = Date.now();
    const done = await waitExports(created.map((e) => e.id));
    console.log(
      `[studio] 2 TikTok exports (9 s + 6 s, pad, captions) rendered in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const byClip = Object.fromEntries(done.map((e) => [(e as TExport & { clipId: string }).clipId, e]));

    const rows = await ctx.prisma.clipExport.findMany({ where: { id: { in: created.map((e) => e.id) } } });
    for (const row of rows) {
      const p = await probeStored(row.outputKey!);
      expect([p.width, p.height, p.hasAudio]).toEqual([1080, 1920, true]);
      expect(row.progress).toBe(1);
    }
    expect(Math.abs(byClip[a.id].duration - 9)).toBeLessThanOrEqual(0.1);
    expect([byClip[a.id].width, byClip[a.id].height]).toEqual([1080, 1920]);

    // The captions shipped with the export are the edited ones.
    const srt = await fetch(`${ctx.server.url}${byClip[a.id].captionsUrl}`).then((x) => x.text());
    expect(srt).toBe(
      "1\n00:00:00,200 --> 00:00:02,080\nEDITED opening line\n\n2\n00:00:03,600 --> 00:00:05,480\nthis round is huge\n",
    );
    // Burned in: white text in the black padding below the picture while a cue shows, nothing between cues.
    const aRow = rows.find((x) => x.clipId === a.id)!;
    const file = (await probeStored(aRow.outputKey!)).file;
    expect(await bandMaxLuma(file, 1.0, 1300, 1560)).toBeGreaterThan(200);
    expect(await bandMaxLuma(file, 2.8, 1300, 1560)).toBeLessThan(40);

    const zip = await call("GET", `/api/exports/zip?ids=${created.map((e) => e.id).join(",")}`);
    expect([zip.status, zip.headers.get("content-type")]).toEqual([200, "application/zip"]);
    const { unzipSync } = await import("fflate");
    const files = unzipSync(new Uint8Array(zip.buf));
    expect(Object.keys(files).sort()).toEqual([
      "01-Clip-expA-tiktok.mp4",
      "01-Clip-expA-tiktok.srt",
      "02-Clip-expB-tiktok.mp4",
      "02-Clip-expB-tiktok.srt",
    ]);
    expect(Buffer.from(files["01-Clip-expA-tiktok.srt"]).toString("utf8")).toBe(srt);
    expect(Buffer.from(files["01-Clip-expA-tiktok.mp4"]).equals(fs.readFileSync(file))).toBe(true);
  });

  it("word-highlight captions: a frame at a word's time shows that word in the highlight colour, and not a later one", async () => {
    const { CAPTION_STYLES, captionBox } = await import("@/lib/studio/caption-styles");
    // "no way that just happened": 11.0, 11.3, 11.7, 12.0, 12.3 (+0.28 s each) in the stream.
    const clip = await ctx.newClip("karaoke", 11, 13.5);
    const cases = [
      { styleId: "bold_pop", early: 0.15, late: 1.45 },
      { styleId: "top", early: 0.15, late: 1.45 },
    ] as const;
    const r = await call("POST", "/api/exports", {
      clipIds: [clip.id],
      preset: "tiktok",
      layout: "pad",
      captionStyle: cases[0].styleId,
    });
    const r2 = await call("POST", "/api/exports", {
      clipIds: [clip.id],
      preset: "tiktok",
      layout: "pad",
      captionStyle: cases[1].styleId,
    });
    expect([r.status, r2.status]).toEqual([202, 202]);
    const made = [...(r.json as { exports: TExport[] }).exports, ...(r2.json as { exports: TExport[] }).exports];
    expect(made.map((e) => (e as TExport & { captionStyle: string }).captionStyle)).toEqual(["bold_pop", "top"]);
    await waitExports(made.map((e) => e.id));
    for (const [i, { styleId, early, late }] of cases.entries()) {
      const style = CAPTION_STYLES[styleId];
      const row = await ctx.prisma.clipExport.findUniqueOrThrow({ where: { id: made[i].id } });
      expect(row.captionStyle).toBe(styleId);
      const file = (await probeStored(row.outputKey!)).file;
      // The caption area: two lines of text (plus outline) from the style's edge margin.
      const b = captionBox(style, 1080, 1920);
      const reach = 2 * b.size + 2 * b.outline;
      const band: [number, number] =
        style.position === "top"
          ? [b.marginV - b.outline, b.marginV + reach]
          : [1920 - b.marginV - reach, 1920 - b.marginV + b.outline];
      const a = await frameRgb(file, early); // "no" is being said, "happened" is not yet
      const z = await frameRgb(file, late); // "happened" is being said
      const litA = colourBox(a, band, style.highlight.color);
      const litZ = colourBox(z, band, style.highlight.color);
      expect(litA.count, `${styleId}: highlight pixels while "no" is said`).toBeGreaterThan(150);
      expect(litZ.count, `${styleId}: highlight pixels while "happened" is said`).toBeGreaterThan(400);
      // Two different words lit: the boxes do not overlap, and "happened" is the wider word.
      const overlap = !(litA.x1 < litZ.x0 || litZ.x1 < litA.x0 || litA.y1 < litZ.y0 || litZ.y1 < litA.y0);
      expect(overlap, `${styleId}: ${JSON.stringify([litA, litZ])}`).toBe(false);
      expect(litZ.x1 - litZ.x0).toBeGreaterThan(litA.x1 - litA.x0);
      // Where "happened" is lit later, the early frame shows it in the fill colour and not the highlight; and
      // the other way round for "no".
      expect(colourBox(a, band, style.highlight.color, litZ).count).toBe(0);
      expect(colourBox(a, band, style.fill.color, litZ).count).toBeGreaterThan(200);
      expect(colourBox(z, band, style.highlight.color, litA).count).toBe(0);
      expect(colourBox(z, band, style.fill.color, litA).count).toBeGreaterThan(50);
    }
  });

  it("X square with a blurred background and no captions: 1080x1080, no SRT", async () => {
    const a = await ctx.prisma.clip.findFirstOrThrow({ where: { userId: ctx.user.id, detectionKey: "expB" } });
    const r = await call("POST", "/api/exports", {
      clipIds: [a.id],
      preset: "x_square",
      layout: "blur",
      captions: false,
    });
    const [done] = await waitExports((r.json as { exports: TExport[] }).exports.map((e) => e.id));
    expect([done.width, done.height, done.captionsUrl]).toEqual([1080, 1080, null]);
    const row = await ctx.prisma.clipExport.findUniqueOrThrow({ where: { id: done.id } });
    const p = await probeStored(row.outputKey!);
    expect([p.width, p.height]).toEqual([1080, 1080]);
    expect(Math.abs(p.duration - 6)).toBeLessThanOrEqual(0.1);
  });

  it.each([
    [
      "unknown preset",
      { preset: "vine" },
      422,
      invalid(
        'preset: Invalid option: expected one of "youtube_shorts"|"tiktok"|"instagram_reels"|"x_landscape"|"x_square"',
      ),
    ],
    [
      "unknown layout",
      { layout: "stretch" },
      422,
      invalid('layout: Invalid option: expected one of "crop"|"blur"|"pad"|"follow"|"split"'),
    ],
    ["no clips", { clipIds: [] }, 422, invalid("clipIds: Too small: expected array to have >=1 items")],
    [
      "too many clips",
      { clipIds: Array.from({ length: 51 }, (_, i) => `c${i}`) },
      422,
      invalid("clipIds: Too big: expected array to have <=50 items"),
    ],
    [
      "clip ids not a list",
      { clipIds: "abc" },
      422,
      invalid("clipIds: Invalid input: expected array, received string"),
    ],
    [
      "captions not a boolean",
      { captions: "yes" },
      422,
      invalid("captions: Invalid input: expected boolean, received string"),
    ],
    [
      "unknown caption style",
      { captionStyle: "comic_sans" },
      422,
      invalid('captionStyle: Invalid option: expected one of "bold_pop"|"clean"|"boxed"|"top"'),
    ],
    ["extra key", { userId: "x" }, 422, invalid('Unrecognized key: "userId"')],
    [
      "too long for Shorts",
      { clipIds: ["@long"], preset: "youtube_shorts" },
      422,
      invalid('"Long one" is 75.0 s long; YouTube Shorts takes clips under 60 s. Trim it first.'),
    ],
    [
      "exactly 60 s for Shorts",
      { clipIds: ["@sixty"], preset: "youtube_shorts" },
      422,
      invalid('"Sixty" is 60.0 s long; YouTube Shorts takes clips under 60 s. Trim it first.'),
    ],
    [
      "too long for Reels",
      { clipIds: ["@hundred"], preset: "instagram_reels" },
      422,
      invalid('"Hundred" is 100.0 s long; Instagram Reels takes clips up to 90 s. Trim it first.'),
    ],
    [
      "too long for X",
      { clipIds: ["@longer"], preset: "x_landscape" },
      422,
      invalid('"Longer one" is 150.0 s long; X (16:9) takes clips up to 2:20. Trim it first.'),
    ],
    [
      "still rendering",
      { clipIds: ["@pending"] },
      409,
      { error: { code: "conflict", message: '"Pending" is still rendering; export it when it is ready.' } },
    ],
    ["unknown clip", { clipIds: ["no-such-clip"] }, 404, { error: { code: "not_found", message: "Clip not found." } }],
  ])("POST /api/exports: %s → %i", async (_name, over, status, body) => {
    const mk = (key: string, title: string, duration: number, status: "READY" | "PENDING" = "READY") =>
      ctx.prisma.clip.upsert({
        where: { sessionId_detectionKey: { sessionId: ctx.rec.session.id, detectionKey: key } },
        update: {},
        create: {
          userId: ctx.user.id,
          streamerId: ctx.rec.streamer.id,
          sessionId: ctx.rec.session.id,
          detectionKey: key,
          startTime: 0,
          endTime: duration,
          duration,
          title,
          reason: "t",
          score: 1,
          engine: "offline",
          status,
        },
      });
    const fixtures: Record<string, string> = {
      "@long": (await mk("long", "Long one", 75)).id,
      "@sixty": (await mk("sixty", "Sixty", 60)).id,
      "@longer": (await mk("longer", "Longer one", 150)).id,
      "@hundred": (await mk("hundred", "Hundred", 100)).id,
      "@pending": (await mk("pending", "Pending", 10, "PENDING")).id,
    };
    const ok = await ctx.prisma.clip.findFirstOrThrow({ where: { userId: ctx.user.id, detectionKey: "expB" } });
    const json = { clipIds: [ok.id], preset: "tiktok", layout: "pad", ...over } as Record<string, unknown>;
    json.clipIds = Array.isArray(json.clipIds)
      ? (json.clipIds as string[]).map((id) => fixtures[id] ?? id)
      : json.clipIds;
    const before = await ctx.prisma.clipExport.count({ where: { userId: ctx.user.id } });
    const r = await call("POST", "/api/exports", json);
    expect([r.status, r.json]).toEqual([status, body]);
    expect(await ctx.prisma.clipExport.count({ where: { userId: ctx.user.id } })).toBe(before);
  });

  it.each([
    ["no ids", "", 422, invalid("ids: Invalid input: expected string, received undefined")],
    ["empty ids", "?ids=", 422, invalid("ids: Too small: expected string to have >=1 characters")],
    ["unknown export", "?ids=no-such-export", 404, { error: { code: "not_found", message: "Export not found." } }],
    ["not ready", "?ids=@pending", 409, { error: { code: "conflict", message: "Some exports are not ready yet." } }],
  ])("GET /api/exports/zip: %s → %i", async (_name, q, status, body) => {
    const clip = await ctx.prisma.clip.findFirstOrThrow({ where: { userId: ctx.user.id, detectionKey: "expB" } });
    const pending = await ctx.prisma.clipExport.create({
      data: { userId: ctx.user.id, clipId: clip.id, preset: "tiktok", layout: "pad" },
    });
    const r = await call("GET", `/api/exports/zip${q.replace("@pending", pending.id)}`);
    expect([r.status, r.json]).toEqual([status, body]);
    await ctx.prisma.clipExport.delete({ where: { id: pending.id } });
  });
});

describe("session view", () => {
  it("shows segments, clips and a loudness strip; a manual clip from any range is created and rendered", async () => {
    const r = await call("GET", `/api/sessions/${ctx.rec.session.id}`);
    expect(r.status).toBe(200);
    const v = r.json as {
      session: { duration: number };
      segments: { number: number; stored: boolean }[];
      clips: { id: string }[];
      loudness: (number | null)[];
    };
    expect(v.session.duration).toBeCloseTo(24, 0);
    expect(v.segments.map((s) => [s.number, s.stored])).toEqual([
      [0, true],
      [1, true],
      [2, true],
      [3, true],
    ]);
    expect(v.loudness.length).toBe(Math.ceil(v.session.duration));
    // The excited passage (14 s on) is the loudest part of the strip.
    const loudest = v.loudness.indexOf(Math.max(...v.loudness.map((x) => x ?? 0)));
    expect(loudest).toBeGreaterThanOrEqual(14);
    expect(loudest).toBeLessThan(20);

    const c = await call("POST", `/api/sessions/${ctx.rec.session.id}/clips`, {
      start: 10.5,
      end: 17.25,
      title: "My cut",
    });
    expect(c.status).toBe(202);
    const clip = (
      c.json as {
        clip: { id: string; title: string; engine: string; startTime: number; endTime: number; status: string };
      }
    ).clip;
    expect([clip.title, clip.engine, clip.startTime, clip.endTime, clip.status]).toEqual([
      "My cut",
      "manual",
      10.5,
      17.25,
      "PENDING",
    ]);
    const ready = await waitFor(
      async () => {
        const row = await ctx.prisma.clip.findUniqueOrThrow({ where: { id: clip.id } });
        if (row.status === "ERROR") throw new Error(row.error ?? "render failed");
        return row.status === "READY" ? row : null;
      },
      90_000,
      "manual clip render",
    );
    const p = await probeStored(ready.videoKey!);
    expect(Math.abs(p.duration - 6.75)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(p.frames - 6.75 * 15)).toBeLessThanOrEqual(2);
    const after = (await call("GET", `/api/sessions/${ctx.rec.session.id}`)).json as { clips: { id: string }[] };
    expect(after.clips.map((x) => x.id)).toContain(clip.id);
  });

  it.each([
    ["end before start", { start: 9, end: 3 }, 422, invalid("end must be after start.")],
    [
      "too long",
      { start: 0, end: 181 },
      422,
      invalid("A clip must be between 1 and 180 seconds long (this range is 181.0 s)."),
    ],
    [
      "outside",
      { start: 22, end: 40 },
      422,
      invalid("That range is outside the stored recording of this session. The stored recording here runs 0:00–0:24."),
    ],
    [
      "blank title",
      { start: 1, end: 5, title: " " },
      422,
      invalid("title: Too small: expected string to have >=1 characters"),
    ],
    ["extra key", { start: 1, end: 5, score: 100 }, 422, invalid('Unrecognized key: "score"')],
  ])("POST /api/sessions/[id]/clips: %s → %i", async (_name, json, status, body) => {
    const before = await ctx.prisma.clip.count({ where: { sessionId: ctx.rec.session.id } });
    const r = await call("POST", `/api/sessions/${ctx.rec.session.id}/clips`, json);
    expect([r.status, r.json]).toEqual([status, body]);
    expect(await ctx.prisma.clip.count({ where: { sessionId: ctx.rec.session.id } })).toBe(before);
  });
});

describe("a clip's lifecycle: retry a failed render, delete with every file", () => {
  it("a failed clip renders again on Retry; deleting a clip removes its renders, previews and exports from storage", async () => {
    const { getStore } = await import("@/lib/storage");
    const store = getStore();
    const clip = await ctx.newClip("life", 3, 9);
    // A failed render: Retry queues a new one, which stores the clip again.
    await ctx.prisma.clip.update({ where: { id: clip.id }, data: { status: "ERROR", error: "encoder crashed" } });
    const retried = await call("POST", `/api/clips/${clip.id}/retry`);
    expect([retried.status, (retried.json as { clip: { status: string; error: null } }).clip]).toMatchObject([
      202,
      { status: "PENDING", error: null },
    ]);
    await waitFor(
      async () => (await ctx.prisma.clip.findUniqueOrThrow({ where: { id: clip.id } })).status === "READY",
      90_000,
      "the retried render",
    );
    const again = await call("POST", `/api/clips/${clip.id}/retry`);
    expect([again.status, again.json]).toEqual([409, conflict("Only a clip whose render failed can be retried.")]);
    const extra = await call("POST", `/api/clips/${clip.id}/retry`, { force: true });
    expect([extra.status, extra.json]).toEqual([422, invalid('Unrecognized key: "force"')]);

    // Every kind of file a clip has: its render and thumbnail, an earlier trim version, a preview proxy, an export.
    await store.put(`clips/${clip.id}/clip-old.mp4`, Buffer.from("old"));
    await store.put(`clips/${clip.id}/proxy-0-24000.mp4`, Buffer.from("proxy"));
    const exp = await ctx.prisma.clipExport.create({
      data: { userId: ctx.user.id, clipId: clip.id, preset: "tiktok", layout: "blur", status: "READY" },
    });
    await store.put(`exports/${exp.id}/tiktok.mp4`, Buffer.from("export"));
    await store.put(`exports/${exp.id}/captions.srt`, Buffer.from("1"));
    const other = await ctx.newClip("other", 10, 14);
    const del = await call("DELETE", `/api/clips/${clip.id}`);
    expect(del.status).toBe(204);
    expect(await ctx.prisma.clip.findUnique({ where: { id: clip.id } })).toBeNull();
    expect(await ctx.prisma.clipExport.count({ where: { clipId: clip.id } })).toBe(0);
    expect([...(await store.list(`clips/${clip.id}/`)), ...(await store.list(`exports/${exp.id}/`))]).toEqual([]);
    // Another clip's files are untouched.
    expect((await store.list(`clips/${other.id}/`)).map((b) => b.key)).toEqual([
      `clips/${other.id}/clip.mp4`,
      `clips/${other.id}/thumb.jpg`,
    ]);
    const gone = await call("DELETE", `/api/clips/${clip.id}`);
    expect([gone.status, gone.json]).toEqual([404, { error: { code: "not_found", message: "Clip not found." } }]);
  });
});
