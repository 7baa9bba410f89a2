/**
 * The live view's API on a real live buffer: MPEG-TS parts cut with ffmpeg's segment muxer (stream copy,
 * keyframe every second, as the recorder cuts them) and a manifest in blob storage, served by the app's real
 * route handlers with real better-auth sessions and PostgreSQL. The playlist is checked line by line and then
 * played by ffmpeg over HTTP; "Clip that" is rendered by the real render functions (its keyframe lane) through the embedded
 * runner. Bad input and other users get exact error bodies.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, loadApiRoutes, startRouteServer } from "./app-server";
import { signUpViaApi, waitFor } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "live-view-"));
const stamp = Date.now();
let ctx: Awaited<ReturnType<typeof setup>>;

/** 40 s of test video + tone cut into ~2 s parts; returns the files with their probed durations. */
async function makeParts(dir: string) {
  const { runTool, probeMedia } = await import("@/lib/media");
  fs.mkdirSync(dir, { recursive: true });
  // prettier-ignore
  await runTool("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=15:duration=40",
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=40",
    "-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-keyint_min", "15", "-sc_threshold", "0",
    "-c:a", "aac", "-shortest",
    "-f", "segment", "-segment_time", "2", "-segment_format", "mpegts", "-reset_timestamps", "0",
    path.join(dir, "part%03d.ts"),
  ]);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort();
  const out = [];
  for (const f of files)
    out.push({ file: path.join(dir, f), duration: (await probeMedia(path.join(dir, f))).duration });
  return out;
}

async function setup() {
  const [appPort, runnerPort] = await freePorts(2);
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "live-view-test-recorder-secret";
  const { prisma } = await import("@/lib/db");
  await prisma.jobRun.deleteMany({ where: { functionId: { startsWith: "clipstream-" } } });
  const server = await startRouteServer(await loadApiRoutes(), appPort);
  const { startRunner } = await import("@/lib/jobs/runner");
  const runner = await startRunner({
    port: runnerPort,
    serveUrl: `${server.url}/api/inngest`,
    backoffBaseMs: 200,
    syncIntervalMs: 0,
  });
  await waitFor(
    async () =>
      (await prisma.jobFunction.count({
        where: { appId: "clipstream", id: { in: ["clipstream-render-clip", "clipstream-render-clip-keyframe"] } },
      })) === 2,
    20_000,
    "function registration",
  );

  const signUp = (name: string) =>
    signUpViaApi(server.url, {
      email: `${name}-${stamp}@example.com`,
      password: "live-view-pass-1",
      name,
      ip: `10.7.0.${name.length}`,
    });
  const erin = await signUp("erin");
  const frank = await signUp("frank");
  const startedAt = new Date("2026-12-05T10:00:00.000Z");
  const newSession = async (name: string) => {
    const streamer = await prisma.streamer.create({
      data: { userId: erin.id, name, kind: "URL", source: "https://93.184.215.14/e.m3u8", monitored: false },
    });
    return prisma.liveSession.create({
      data: { userId: erin.id, streamerId: streamer.id, segmentSeconds: 900, status: "RECORDING", startedAt },
    });
  };
  const live = await newSession("Erin live");
  const bare = await newSession("Erin, nothing buffered yet");

  // The buffer starts 100 s into the session with seq 50 (older parts already pruned).
  const { getStore } = await import("@/lib/storage");
  const { liveKeys } = await import("@/lib/live-edge/manifest");
  const files = await makeParts(path.join(tmp, "parts"));
  let t = 100;
  const parts: { seq: number; key: string; start: number; duration: number }[] = [];
  for (const [i, f] of files.entries()) {
    const seq = 50 + i;
    await getStore().put(liveKeys.part(live.id, seq), f.file, { contentType: "video/mp2t" });
    parts.push({ seq, key: liveKeys.part(live.id, seq), start: Math.round(t * 1000) / 1000, duration: f.duration });
    t += f.duration;
  }
  const writeManifest = (extra: { ended?: boolean } = {}) =>
    getStore().put(
      liveKeys.manifest(live.id),
      Buffer.from(
        JSON.stringify({
          sessionId: live.id,
          updatedAt: new Date().toISOString(),
          targetDuration: Math.ceil(Math.max(...parts.map((p) => p.duration))),
          parts,
          ended: !!extra.ended,
        }),
      ),
      { contentType: "application/json" },
    );
  await writeManifest();
  return { prisma, server, runner, erin, frank, live, bare, startedAt, parts, edge: t, writeManifest };
}

beforeAll(async () => {
  ctx = await setup();
}, 180_000);

afterAll(async () => {
  await ctx?.runner.stop();
  await ctx?.prisma.user.deleteMany({ where: { id: { in: [ctx.erin.id, ctx.frank.id] } } });
  await ctx?.server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function call(method: string, p: string, as: { cookie: string } | null, json?: unknown) {
  const headers: Record<string, string> = {};
  if (as) headers.cookie = as.cookie;
  if (json !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${ctx.server.url}${p}`, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, text, json: body, headers: res.headers };
}

const err = (code: string, message: string) => ({ error: { code, message } });

describe("GET /api/sessions/[id]/live.m3u8", () => {
  it("is a sliding window of the newest ~30 s of parts with signed media URLs, never cached", async () => {
    expect(ctx.parts.length).toBe(20);
    const r = await call("GET", `/api/sessions/${ctx.live.id}/live.m3u8`, ctx.erin);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(Number(r.headers.get("x-live-edge"))).toBeCloseTo(ctx.edge, 3);
    const lines = r.text.trim().split("\n");
    // 20 parts of ~2 s: the newest 15 make 30 s, so the window starts at seq 55.
    const win = ctx.parts.slice(5);
    expect(lines.slice(0, 5)).toEqual([
      "#EXTM3U",
      "#EXT-X-VERSION:3",
      `#EXT-X-TARGETDURATION:${Math.ceil(Math.max(...ctx.parts.map((p) => p.duration)))}`,
      "#EXT-X-MEDIA-SEQUENCE:55",
      "#EXT-X-DISCONTINUITY-SEQUENCE:0",
    ]);
    const entries = lines.slice(5);
    expect(entries.length).toBe(win.length * 3);
    win.forEach((p, i) => {
      const [pdt, inf, uri] = entries.slice(i * 3, i * 3 + 3);
      expect(pdt).toBe(`#EXT-X-PROGRAM-DATE-TIME:${new Date(ctx.startedAt.getTime() + p.start * 1000).toISOString()}`);
      expect(inf).toBe(`#EXTINF:${p.duration.toFixed(3)},`);
      expect(uri).toMatch(
        new RegExp(
          `^/api/media/sessions/${ctx.live.id}/live/${String(p.seq).padStart(7, "0")}\\.ts\\?exp=\\d+&sig=[\\w-]+$`,
        ),
      );
    });
    const media = await fetch(`${ctx.server.url}${entries[2]}`);
    expect([media.status, media.headers.get("content-type")]).toEqual([200, "video/mp2t"]);
    expect(Buffer.from(await media.arrayBuffer())[0]).toBe(0x47); // MPEG-TS sync byte
  });

  it("ends with EXT-X-ENDLIST once the recording stops, and the window plays end to end in ffmpeg", async () => {
    await ctx.writeManifest({ ended: true });
    try {
      const r = await call("GET", `/api/sessions/${ctx.live.id}/live.m3u8`, ctx.erin);
      expect(r.text.trim().split("\n").at(-1)).toBe("#EXT-X-ENDLIST");
      const { runTool, probeMedia } = await import("@/lib/media");
      const out = path.join(tmp, "played.ts");
      // prettier-ignore
      await runTool("ffmpeg", [
        "-hide_banner", "-loglevel", "error", "-y", "-headers", `Cookie: ${ctx.erin.cookie}\r\n`,
        "-i", `${ctx.server.url}/api/sessions/${ctx.live.id}/live.m3u8`, "-c", "copy", "-f", "mpegts", out,
      ]);
      const played = await probeMedia(out);
      const expected = ctx.parts.slice(5).reduce((s, p) => s + p.duration, 0);
      expect(played.hasVideo && played.hasAudio).toBe(true);
      expect(Math.abs(played.duration - expected)).toBeLessThan(0.3);
    } finally {
      await ctx.writeManifest();
    }
  });

  it("404s without a live buffer and for another user's session; 401 signed out", async () => {
    for (const p of [`/api/sessions/${ctx.bare.id}/live.m3u8`, `/api/sessions/${ctx.bare.id}/live`]) {
      const r = await call("GET", p, ctx.erin);
      expect([p, r.status, r.json]).toEqual([p, 404, err("not_found", "This session has no live buffer.")]);
    }
    for (const p of [`/api/sessions/${ctx.live.id}/live.m3u8`, `/api/sessions/${ctx.live.id}/live`]) {
      const r = await call("GET", p, ctx.frank);
      expect([p, r.status, r.json]).toEqual([p, 404, err("not_found", "Session not found.")]);
      expect(r.text).not.toContain(ctx.live.id);
      const anon = await call("GET", p, null);
      expect([p, anon.status, anon.json]).toEqual([p, 401, err("unauthorized", "Sign in to continue.")]);
    }
  });
});

describe("GET /api/sessions/[id]/live", () => {
  it("gives the live edge in session seconds and what maps player time to it", async () => {
    const r = await call("GET", `/api/sessions/${ctx.live.id}/live`, ctx.erin);
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const live = (r.json as { live: Record<string, unknown> }).live;
    expect(live).toEqual({
      sessionId: ctx.live.id,
      edge: expect.closeTo(ctx.edge, 3),
      bufferStart: 100,
      ended: false,
      startedAt: ctx.startedAt.toISOString(),
      updatedAt: expect.any(String),
      targetDuration: Math.ceil(Math.max(...ctx.parts.map((p) => p.duration))),
      playlistUrl: `/api/sessions/${ctx.live.id}/live.m3u8`,
    });
  });
});

describe("POST /api/sessions/[id]/clips { last, at? } (Clip that)", () => {
  type TClip = { id: string; startTime: number; endTime: number; status: string; engine: string; title: string };
  const post = async (json: unknown, as = ctx.erin) => {
    const r = await call("POST", `/api/sessions/${ctx.live.id}/clips`, as, json);
    return { ...r, clip: (r.json as { clip?: TClip }).clip };
  };
  const clock = (t: number) => `${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, "0")}`;

  it("clips the last N seconds ending at the live edge, or where the viewer is, and renders it from the parts", async () => {
    const edge = Math.round(ctx.edge * 1000) / 1000;
    const a = await post({ last: 15 });
    expect(a.status).toBe(202);
    expect(a.clip).toMatchObject({
      engine: "manual",
      status: "PENDING",
      title: `Clip that at ${clock(edge)}`,
      startTime: expect.closeTo(edge - 15, 3),
      endTime: expect.closeTo(edge, 3),
    });
    // The viewer lags the edge; a position past the edge is the edge.
    const b = await post({ last: 30, at: 131.5, title: "Watched" });
    expect([b.status, b.clip?.startTime, b.clip?.endTime, b.clip?.title]).toEqual([202, 101.5, 131.5, "Watched"]);
    const c = await post({ last: 60, at: edge + 50 });
    expect([c.status, c.clip?.startTime, c.clip?.endTime]).toEqual([202, 100, edge]);

    const { probeMedia } = await import("@/lib/media");
    const { getStore } = await import("@/lib/storage");
    const ready = await waitFor(
      async () => {
        const row = await ctx.prisma.clip.findUniqueOrThrow({ where: { id: a.clip!.id } });
        if (row.status === "ERROR") throw new Error(row.error ?? "render failed");
        return row.status === "READY" ? row : null;
      },
      90_000,
      "Clip that render",
    );
    const file = path.join(tmp, "clip.mp4");
    await getStore().download(ready.videoKey!, file);
    // Cut by stream copy from the boundary of the part holding the start (docs/decisions/012): the clip stores
    // the range its file holds, which starts at that part and ends where asked.
    const part = ctx.parts.find(
      (p) => p.start <= a.clip!.startTime + 0.001 && p.start + p.duration > a.clip!.startTime,
    )!;
    const held = (await probeMedia(file)).duration;
    expect(ready.startTime).toBe(part.start);
    expect(Math.abs(ready.duration! - held)).toBeLessThanOrEqual(0.001);
    expect(ready.endTime).toBeCloseTo(ready.startTime + held, 3);
    expect(Math.abs(ready.endTime - a.clip!.endTime)).toBeLessThanOrEqual(0.15);
    expect(held - 15).toBeLessThan(part.duration + 0.15);
    // It ran in the keyframe lane only (inngest/render-clip.ts: the trigger expressions split the event).
    const runs = await ctx.prisma.jobRun.findMany({
      where: {
        functionId: { startsWith: "clipstream-render-clip" },
        event: { path: ["data", "clipId"], equals: a.clip!.id },
      },
      select: { functionId: true, status: true },
    });
    expect(runs).toEqual([{ functionId: "clipstream-render-clip-keyframe", status: "COMPLETED" }]);
  });

  it.each([
    [
      "no last",
      { at: 120 },
      422,
      err(
        "invalid_input",
        'start: Invalid input: expected number, received undefined; end: Invalid input: expected number, received undefined; Unrecognized key: "at"',
      ),
    ],
    ["last 0", { last: 0 }, 422, err("invalid_input", "last: Too small: expected number to be >=1")],
    ["last 181", { last: 181 }, 422, err("invalid_input", "last: Too big: expected number to be <=180")],
    ["fractional last", { last: 2.5 }, 422, err("invalid_input", "last: Invalid input: expected int, received number")],
    ["extra key", { last: 30, start: 0 }, 422, err("invalid_input", 'Unrecognized key: "start"')],
    ["moment gone", { last: 30, at: 40 }, 422, err("invalid_input", "That moment is no longer in the live buffer.")],
  ])("%s: %j → %i", async (_name, json, status, body) => {
    const before = await ctx.prisma.clip.count({ where: { sessionId: ctx.live.id } });
    const r = await post(json);
    expect([r.status, r.json]).toEqual([status, body]);
    expect(await ctx.prisma.clip.count({ where: { sessionId: ctx.live.id } })).toBe(before);
  });

  it("409 once the buffer has ended; 404 without a buffer and for another user", async () => {
    await ctx.writeManifest({ ended: true });
    try {
      const r = await post({ last: 30 });
      expect([r.status, r.json]).toEqual([
        409,
        err("conflict", "The stream is no longer live; cut a range from the timeline instead."),
      ]);
    } finally {
      await ctx.writeManifest();
    }
    const bare = await call("POST", `/api/sessions/${ctx.bare.id}/clips`, ctx.erin, { last: 30 });
    expect([bare.status, bare.json]).toEqual([404, err("not_found", "This session has no live buffer.")]);
    const other = await post({ last: 30 }, ctx.frank);
    expect([other.status, other.json]).toEqual([404, err("not_found", "Session not found.")]);
  });
});
