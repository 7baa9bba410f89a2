/**
 * The recording API (issue 18.3) on the real routes, better-auth, PostgreSQL and the embedded job runner, with a
 * local recorder speaking the recorder's control API: start now (an unwatched streamer too), status with what
 * is stored, the active list, stop (and the poll then leaves the broadcast alone until Start), the formats this
 * machine's ffmpeg makes, and every error case's exact body.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, loadApiRoutes } from "./app-server";
import { startAppWithRunner } from "./fixtures/app-with-runner";
import { announceSegment, makeToneSegment, postRecorderWebhook, signUpViaApi } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recording-api-"));
const stamp = Date.now();
/** What the recorder stand-in was asked, and how it answers. */
const recorderCalls: string[] = [];
/** The start requests the recorder stand-in received. */
const startBodies: Record<string, unknown>[] = [];
const recorderAnswers = { start: 201, stop: 200 };
let recorder: http.Server;
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const [appPort, runnerPort, recorderPort] = await freePorts(3);
  recorder = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString("utf8")));
    req.on("end", () => {
      if (req.method === "POST" && body) startBodies.push(JSON.parse(body) as Record<string, unknown>);
      recorderCalls.push(`${req.method} ${req.url}`);
      const status =
        req.method === "POST" ? recorderAnswers.start : req.method === "DELETE" ? recorderAnswers.stop : 404;
      res.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => recorder.listen(recorderPort, "127.0.0.1", () => r()));
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.RECORDER_URL = `http://127.0.0.1:${recorderPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "recording-api-recorder-secret";
  process.env.ALLOW_FILE_SOURCES = "true";
  const { prisma, server, runner } = await startAppWithRunner({ routes: await loadApiRoutes(), appPort, runnerPort });
  const user = await signUpViaApi(server.url, {
    email: `recording-${stamp}@example.com`,
    password: "recording-pass-1",
    name: "rec",
    ip: "10.11.0.1",
  });
  const media = makeToneSegment(path.join(tmp, "live.ts"), 2);
  return { prisma, server, runner, user, media };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  await ctx?.prisma.user.deleteMany({ where: { id: ctx.user.id } });
  await ctx?.runner.stop();
  await ctx?.server.close();
  await new Promise<void>((r) => recorder.close(() => r()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

type TRecordingJson = import("@/lib/recording/recording-control").TRecording;
type TFormatsJson = import("@/lib/recording/recording-formats").TRecordingFormats;
/** Every answer body these routes give (one of them per response). */
type TBody = Partial<TFormatsJson> & {
  recording?: TRecordingJson | null;
  recordings?: TRecordingJson[];
  stopped?: string;
  error?: { code: string; message: string };
};

async function call(method: string, p: string) {
  const res = await fetch(`${ctx.server.url}${p}`, {
    method,
    headers: { cookie: ctx.user.cookie, origin: ctx.server.url },
  });
  return { status: res.status, json: (await res.json()) as TBody };
}

const streamer = (name: string, source: string, monitored = false) =>
  ctx.prisma.streamer.create({
    data: { userId: ctx.user.id, name, kind: "URL", source, monitored, segmentSeconds: 60 },
  });

const error = (code: string, message: string) => ({ error: { code, message } });

describe("recording API", () => {
  it("GET /api/recording/formats lists what this machine's ffmpeg makes, and the quality presets", async () => {
    const r = await call("GET", "/api/recording/formats");
    expect(r.status).toBe(200);
    expect(r.json.ffmpeg).toMatchObject({ path: "ffmpeg", available: true, version: expect.any(String) });
    const outputs = Object.fromEntries((r.json.outputs as { id: string }[]).map(({ id, ...o }) => [id, o])) as Record<
      string,
      { available: boolean; video: string | null; audio: string | null; missing: string[] }
    >;
    expect(Object.keys(outputs)).toEqual(["copy", "mp4", "webm", "av1"]);
    expect(outputs.copy).toMatchObject({ available: true, video: null, audio: null, missing: [] });
    // Debian's ffmpeg has all of these (the same list `ffmpeg -encoders` prints).
    expect(outputs.mp4).toMatchObject({ available: true, video: "libx264", audio: "aac" });
    expect(outputs.webm).toMatchObject({ available: true, video: "libvpx-vp9", audio: "libopus" });
    expect(outputs.av1).toMatchObject({ available: true, audio: "libopus" });
    expect(["libsvtav1", "libaom-av1", "librav1e"]).toContain(outputs.av1.video);
    expect(r.json.qualities!.map((q) => q.id)).toEqual(["low", "medium", "high"]);
  });

  it("start, status, active list, stop; the poll then leaves the broadcast alone until Start", async () => {
    const { STOPPED_NOTE } = await import("@/lib/segments/recorder-events");
    const s = await streamer("Manual", `file://${ctx.media}`);
    // Unwatched, live: Start records it now.
    const started = await call("POST", `/api/streamers/${s.id}/recording`);
    expect(started.status).toBe(201);
    const sessionId = started.json.recording!.sessionId;
    expect(started.json.recording).toMatchObject({
      sessionId,
      streamer: { id: s.id, name: "Manual", kind: "URL" },
      state: "recording",
      segments: 0,
      bytes: 0,
      clips: 0,
    });
    expect(recorderCalls).toContain("POST /sessions");

    expect(await call("POST", `/api/streamers/${s.id}/recording`)).toEqual({
      status: 409,
      json: error("already_recording", "Manual is already being recorded."),
    });

    // A stored segment shows in the status.
    expect((await announceSegment(ctx.server.url, sessionId, 0, ctx.media, 2)).status).toBe(200);
    const status = await call("GET", `/api/streamers/${s.id}/recording`);
    expect(status.status).toBe(200);
    expect(status.json.recording).toMatchObject({
      sessionId,
      segments: 1,
      recordedSeconds: 2,
      bytes: fs.statSync(ctx.media).size,
    });
    expect(status.json.recording!.durationSeconds).toBeGreaterThanOrEqual(0);
    const active = await call("GET", "/api/recordings");
    expect(active.json.recordings!.map((x) => x.sessionId)).toEqual([sessionId]);

    // Stop: the recorder is asked to stop; its session.ended ends the session.
    expect(await call("DELETE", `/api/streamers/${s.id}/recording`)).toEqual({
      status: 200,
      json: { stopped: sessionId },
    });
    expect(recorderCalls).toContain(`DELETE /sessions/${sessionId}`);
    const ended = await postRecorderWebhook(ctx.server.url, {
      type: "session.ended",
      sessionId,
      reason: "stopped",
      segments: 1,
    });
    expect(ended.status).toBe(200);
    // Still live, not recorded, and the row says why, before the next check.
    expect(await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({
      status: "LIVE",
      lastError: STOPPED_NOTE,
    });
    expect(await call("GET", `/api/streamers/${s.id}/recording`)).toEqual({ status: 200, json: { recording: null } });
    expect(await call("GET", "/api/recordings")).toEqual({ status: 200, json: { recordings: [] } });
    expect(await call("DELETE", `/api/streamers/${s.id}/recording`)).toEqual({
      status: 409,
      json: error("not_recording", "Manual is not being recorded."),
    });

    // Watched and still live: the poll does not record this broadcast again, and says why.
    await ctx.prisma.streamer.update({ where: { id: s.id }, data: { monitored: true } });
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    expect(await checkStreamer(s.id, ctx.user.id)).toEqual({ status: "stopped" });
    expect(await ctx.prisma.liveSession.count({ where: { streamerId: s.id } })).toBe(1);
    expect((await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: s.id } })).lastError).toBe(STOPPED_NOTE);
    // Start records it again, and the poll goes back to normal.
    const again = await call("POST", `/api/streamers/${s.id}/recording`);
    expect(again.status).toBe(201);
    expect(again.json.recording!.sessionId).not.toBe(sessionId);
    expect(await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({
      recordingStoppedAt: null,
      lastError: null,
      status: "LIVE",
    });
    expect(await checkStreamer(s.id, ctx.user.id)).toEqual({
      status: "recording",
      sessionId: again.json.recording!.sessionId,
    });
  });

  it("a stopped broadcast is recorded again once the source has been seen offline", async () => {
    const file = path.join(tmp, "comes-back.ts");
    fs.copyFileSync(ctx.media, file);
    const s = await streamer("Returns", `file://${file}`, true);
    await ctx.prisma.streamer.update({ where: { id: s.id }, data: { recordingStoppedAt: new Date() } });
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    expect(await checkStreamer(s.id, ctx.user.id)).toEqual({ status: "stopped" });
    fs.rmSync(file);
    expect((await checkStreamer(s.id, ctx.user.id)).status).toBe("offline");
    fs.copyFileSync(ctx.media, file);
    expect((await checkStreamer(s.id, ctx.user.id)).status).toBe("live");
  });

  it("not live → 409 not_live; recorder down → 503 and the session is marked failed; another's streamer → 404", async () => {
    const gone = await streamer("Gone", `file://${tmp}/no-such-file.ts`);
    expect(await call("POST", `/api/streamers/${gone.id}/recording`)).toEqual({
      status: 409,
      json: error("not_live", "Gone is not live (file not found)."),
    });
    expect(await ctx.prisma.liveSession.count({ where: { streamerId: gone.id } })).toBe(0);

    const down = await streamer("Down", `file://${ctx.media}`);
    recorderAnswers.start = 500;
    try {
      expect(await call("POST", `/api/streamers/${down.id}/recording`)).toEqual({
        status: 503,
        json: error("unavailable", "The recorder could not be reached; try again in a moment."),
      });
    } finally {
      recorderAnswers.start = 201;
    }
    const failed = await ctx.prisma.liveSession.findFirstOrThrow({ where: { streamerId: down.id } });
    expect([failed.status, failed.endReason]).toEqual(["FAILED", "recorder_unavailable"]);

    for (const [method, p] of [
      ["GET", "/api/streamers/nope/recording"],
      ["POST", "/api/streamers/nope/recording"],
      ["DELETE", "/api/streamers/nope/recording"],
    ]) {
      expect(await call(method, p)).toEqual({ status: 404, json: error("not_found", "Streamer not found.") });
    }
  });

  it("a streamer's recording output and quality reach the recorder; one this ffmpeg or source cannot take → 422", async () => {
    const s = await streamer("Encoded", `file://${ctx.media}`);
    const patch = (id: string, json: unknown) =>
      fetch(`${ctx.server.url}/api/streamers/${id}`, {
        method: "PATCH",
        headers: { cookie: ctx.user.cookie, origin: ctx.server.url, "content-type": "application/json" },
        body: JSON.stringify(json),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
    const ok = await patch(s.id, { recordOutput: "webm", recordQuality: "high" });
    expect([ok.status, ok.json.streamer]).toEqual([
      200,
      expect.objectContaining({ recordOutput: "webm", recordQuality: "high" }),
    ]);
    const started = await call("POST", `/api/streamers/${s.id}/recording`);
    expect(started.status).toBe(201);
    const body = startBodies.find((b) => b.sessionId === started.json.recording!.sessionId)!;
    expect(body.output).toEqual({ format: "webm", quality: "high" });
    await call("DELETE", `/api/streamers/${s.id}/recording`);

    expect(await patch(s.id, { recordOutput: "h265" })).toEqual({
      status: 422,
      json: error("invalid_input", 'recordOutput: Invalid option: expected one of "copy"|"mp4"|"webm"|"av1"'),
    });
    const coin = await ctx.prisma.streamer.create({
      data: {
        userId: ctx.user.id,
        name: "Coin",
        kind: "PUMPFUN",
        source: "2qEHjDLDLbuBgRYvsxhc5D6uDWAivNFZGan56P1tpump",
        monitored: false,
      },
    });
    expect(await patch(coin.id, { recordOutput: "webm" })).toEqual({
      status: 422,
      json: error(
        "invalid_input",
        "recordOutput: a pump.fun coin or LiveKit room is recorded as H.264/AAC (copy or mp4).",
      ),
    });
    expect((await patch(coin.id, { recordOutput: "mp4", recordQuality: "low" })).status).toBe(200);
  });

  it("a replay runs beside the live recording and is stopped on its own (DELETE /api/sessions/[id]/recording)", async () => {
    const s = await streamer("Replayed", `file://${ctx.media}`);
    const live = await call("POST", `/api/streamers/${s.id}/recording`);
    expect(live.status).toBe(201);
    const res = await fetch(`${ctx.server.url}/api/streamers/${s.id}/replays`, {
      method: "POST",
      headers: { cookie: ctx.user.cookie, origin: ctx.server.url, "content-type": "application/json" },
      body: JSON.stringify({ url: `file://${ctx.media}`, pace: "live" }),
    });
    expect(res.status).toBe(201);
    const replay = ((await res.json()) as { recording: TRecordingJson }).recording;
    expect(replay.replay).toEqual({ pace: "live" });
    expect(startBodies.find((b) => b.sessionId === replay.sessionId)).toMatchObject({
      replay: { pace: "live" },
      source: { kind: "url", url: `file://${ctx.media}` },
    });
    // Both are in the active list; the streamer's status is its live recording.
    const active = (await call("GET", "/api/recordings")).json.recordings!.filter((r) => r.streamer.id === s.id);
    expect(active.map((r) => r.replay)).toEqual(expect.arrayContaining([null, { pace: "live" }]));
    expect((await call("GET", `/api/streamers/${s.id}/recording`)).json.recording!.sessionId).toBe(
      live.json.recording!.sessionId,
    );

    expect(await call("DELETE", `/api/sessions/${replay.sessionId}/recording`)).toEqual({
      status: 200,
      json: { stopped: replay.sessionId },
    });
    expect(recorderCalls).toContain(`DELETE /sessions/${replay.sessionId}`);
    // The live recording goes on, and the streamer was not marked as stopped by it.
    expect((await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: s.id } })).recordingStoppedAt).toBeNull();
    await postRecorderWebhook(ctx.server.url, {
      type: "session.ended",
      sessionId: replay.sessionId,
      reason: "stopped",
      segments: 0,
    });
    expect(await call("DELETE", `/api/sessions/${replay.sessionId}/recording`)).toEqual({
      status: 409,
      json: error("not_recording", "This session is not recording."),
    });
    expect(await call("DELETE", "/api/sessions/nope/recording")).toEqual({
      status: 404,
      json: error("not_found", "Session not found."),
    });
    await call("DELETE", `/api/streamers/${s.id}/recording`);
  });

  it("stop when the recorder no longer has the recording ends the session here", async () => {
    const s = await streamer("Lost", `file://${ctx.media}`);
    const started = await call("POST", `/api/streamers/${s.id}/recording`);
    expect(started.status).toBe(201);
    recorderAnswers.stop = 404;
    try {
      expect((await call("DELETE", `/api/streamers/${s.id}/recording`)).status).toBe(200);
    } finally {
      recorderAnswers.stop = 200;
    }
    const session = await ctx.prisma.liveSession.findUniqueOrThrow({
      where: { id: started.json.recording!.sessionId },
    });
    expect([session.status, session.endReason]).toEqual(["ENDED", "stopped by the user"]);
  });
});
