import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  TAudioChunk,
  TRecorderWebhook,
  TSegmentRecorded,
  TSessionEnded,
  TStartRecording,
} from "@/lib/recorder/protocol";
import { SIGNATURE_HEADER, signRequest } from "@/lib/signing";
import { recorderCallSigned } from "@/test/fixtures/recorder-signature";
import { createLocalStore } from "@/lib/storage/local-store";
import { liveKeys, ZLiveManifest, type TLiveManifest } from "@/lib/live-edge/manifest";
import { startRecorder } from "./main";

const SECRET = "recorder-test-secret-123456";
const SOURCE_SECONDS = 10;
const SEGMENT = 3;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recorder-"));
const blobs = path.join(tmp, "blobs");
const store = createLocalStore(blobs);
const source = path.join(tmp, "source.mp4");
const quiet = () => {};

/** Plays the app: verifies signatures, records webhooks, serves the active-session list, fails on demand. */
async function fakeApp() {
  const received: TRecorderWebhook[] = [];
  const state = { active: [] as TStartRecording[], failNext: 0, down: false, refused: 0, badSignatures: 0 };
  const server = http.createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    if (!recorderCallSigned(SECRET, req, body)) {
      state.badSignatures++;
      return res.writeHead(401).end();
    }
    if (req.method === "GET" && req.url === "/api/recorder/sessions") {
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ sessions: state.active }));
    }
    if (req.method !== "POST" || req.url !== "/api/webhooks/recorder") return res.writeHead(404).end();
    if (state.down || state.failNext > 0) {
      state.failNext = Math.max(0, state.failNext - 1);
      state.refused++;
      return res.writeHead(state.down ? 503 : 500).end();
    }
    received.push(JSON.parse(body));
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const segments = (id: string) =>
    received.filter((m): m is TSegmentRecorded => m.type === "segment.recorded" && m.sessionId === id);
  const ended = (id: string) =>
    received.filter((m): m is TSessionEnded => m.type === "session.ended" && m.sessionId === id);
  const chunks = (id: string) =>
    received.filter((m): m is TAudioChunk => m.type === "audio.chunk" && m.sessionId === id);
  return {
    url,
    received,
    state,
    segments,
    ended,
    chunks,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function until<T>(what: string, fn: () => T | undefined | null | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function control(url: string, method: string, p: string, body?: unknown) {
  const text = body === undefined ? "" : JSON.stringify(body);
  return fetch(`${url}${p}`, {
    method,
    headers: { [SIGNATURE_HEADER]: signRequest(SECRET, method, p, text) },
    body: method === "GET" ? undefined : text,
  });
}

const startReq = (sessionId: string, url = `file://${source}`): TStartRecording => ({
  sessionId,
  streamerId: "streamer-1",
  source: { kind: "url", url },
  segmentSeconds: SEGMENT,
});

const probe = (file: string) =>
  JSON.parse(
    execFileSync("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "format=duration:stream=codec_type",
      "-of",
      "json",
      file,
    ]).toString(),
  ) as {
    format: { duration: string };
    streams: { codec_type: string }[];
  };

/** Every announced segment is in storage, playable, with video and audio, as long as announced. */
async function expectPlayable(segs: TSegmentRecorded[]) {
  for (const s of segs) {
    const file = path.join(tmp, "check", `${s.sessionId}-${s.number}${path.extname(s.storageKey)}`);
    await store.download(s.storageKey, file);
    expect(fs.statSync(file).size).toBe(s.sizeBytes);
    const info = probe(file);
    expect(info.streams.map((x) => x.codec_type).sort()).toEqual(["audio", "video"]);
    expect(Math.abs(Number(info.format.duration) - s.duration)).toBeLessThan(0.3);
  }
}

/** Numbers 0..n-1, each announced exactly once, in order. */
function expectNumbered(segs: TSegmentRecorded[]) {
  expect(segs.map((s) => s.number)).toEqual(segs.map((_, i) => i));
}

/** The session's live manifest as the recorder last wrote it, or null. */
async function manifestOf(sessionId: string): Promise<TLiveManifest | null> {
  const blob = await store.read(liveKeys.manifest(sessionId));
  if (!blob) return null;
  const chunks: Buffer[] = [];
  for await (const c of blob.stream) chunks.push(c as Buffer);
  return ZLiveManifest.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
}

/** First timestamp of a media file (MPEG-TS parts keep the run's running timestamps). */
const startTime = (file: string) =>
  Number(execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=start_time", "-of", "csv=p=0", file]));

/** The manifest's parts are numbered without gaps, each stored, back to back on the session clock. */
function expectConsecutive(m: TLiveManifest) {
  expect(m.parts.map((p) => p.seq)).toEqual(m.parts.map((_, i) => m.parts[0].seq + i));
  for (let i = 1; i < m.parts.length; i++) {
    const prev = m.parts[i - 1];
    if (m.parts[i].discontinuity) expect(m.parts[i].start).toBeGreaterThanOrEqual(prev.start + prev.duration - 0.001);
    else expect(m.parts[i].start).toBeCloseTo(prev.start + prev.duration, 2);
  }
}

let app: Awaited<ReturnType<typeof fakeApp>>;

beforeAll(async () => {
  // 10 s of h264/aac with a keyframe every second: segment cuts land within a second of the target.
  execFileSync("ffmpeg", [
    "-hide_banner",
    "-loglevel",
    "error",
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=320x180:rate=15:duration=${SOURCE_SECONDS}`,
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=440:sample_rate=48000:duration=${SOURCE_SECONDS}`,
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-g",
    "15",
    "-keyint_min",
    "15",
    "-sc_threshold",
    "0",
    "-c:a",
    "aac",
    "-shortest",
    source,
  ]);
  app = await fakeApp();
});
afterAll(async () => {
  await app?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("recorder control API", () => {
  it("answers only correctly signed, well-formed requests", async () => {
    const rec = await startRecorder({
      port: 0,
      appUrl: app.url,
      secret: SECRET,
      allowPrivateSources: true,
      spoolDir: path.join(tmp, "spool-auth"),
      store,
      log: quiet,
    });
    const valid = JSON.stringify(startReq("s-auth"));
    const now = Math.floor(Date.now() / 1000);
    const cases: {
      name: string;
      method: string;
      path: string;
      body?: string;
      sig?: string;
      status: number;
      error: { code: string; message: string | RegExp };
    }[] = [
      {
        name: "unsigned",
        method: "POST",
        path: "/sessions",
        body: valid,
        status: 401,
        error: { code: "unauthorized", message: "Invalid signature (missing)." },
      },
      {
        name: "other key",
        method: "POST",
        path: "/sessions",
        body: valid,
        sig: signRequest("another-secret-abcdefgh", "POST", "/sessions", valid),
        status: 401,
        error: { code: "unauthorized", message: "Invalid signature (mismatch)." },
      },
      {
        name: "tampered body",
        method: "POST",
        path: "/sessions",
        body: valid.replace("s-auth", "s-evil"),
        sig: signRequest(SECRET, "POST", "/sessions", valid),
        status: 401,
        error: { code: "unauthorized", message: "Invalid signature (mismatch)." },
      },
      {
        name: "replayed",
        method: "POST",
        path: "/sessions",
        body: valid,
        sig: signRequest(SECRET, "POST", "/sessions", valid, now - 3600),
        status: 401,
        error: { code: "unauthorized", message: "Invalid signature (stale)." },
      },
      {
        name: "garbage header",
        method: "POST",
        path: "/sessions",
        body: valid,
        sig: "v1=zz",
        status: 401,
        error: { code: "unauthorized", message: "Invalid signature (malformed)." },
      },
      {
        name: "unsigned list",
        method: "GET",
        path: "/sessions",
        status: 401,
        error: { code: "unauthorized", message: "Invalid signature (missing)." },
      },
      {
        name: "unsigned stop",
        method: "DELETE",
        path: "/sessions/s-auth",
        status: 401,
        error: { code: "unauthorized", message: "Invalid signature (missing)." },
      },
      {
        name: "not JSON",
        method: "POST",
        path: "/sessions",
        body: "{nope",
        sig: signRequest(SECRET, "POST", "/sessions", "{nope"),
        status: 400,
        error: { code: "bad_request", message: "Request body is not valid JSON." },
      },
      {
        name: "wrong shape",
        method: "POST",
        path: "/sessions",
        body: '{"sessionId":"x"}',
        sig: signRequest(SECRET, "POST", "/sessions", '{"sessionId":"x"}'),
        status: 422,
        error: { code: "invalid_input", message: /streamerId/ },
      },
      ...[
        { name: "path in session id", req: { ...startReq("s"), sessionId: "../../etc" }, message: /sessionId/ },
        {
          name: "ffmpeg pseudo-protocol",
          req: startReq("s-proto", `concat:${source}|${source}`),
          message: /source\.url/,
        },
      ].map((c) => {
        const text = JSON.stringify(c.req);
        return {
          name: c.name,
          method: "POST",
          path: "/sessions",
          body: text,
          sig: signRequest(SECRET, "POST", "/sessions", text),
          status: 422,
          error: { code: "invalid_input", message: c.message },
        };
      }),
      {
        name: "unknown session",
        method: "DELETE",
        path: "/sessions/nope",
        sig: signRequest(SECRET, "DELETE", "/sessions/nope", ""),
        body: "",
        status: 404,
        error: { code: "not_found", message: "No such recording." },
      },
    ];
    for (const c of cases) {
      const headers: Record<string, string> = c.sig ? { [SIGNATURE_HEADER]: c.sig } : {};
      const res = await fetch(`${rec.url}${c.path}`, {
        method: c.method,
        headers,
        body: c.method === "GET" ? undefined : (c.body ?? ""),
      });
      expect({ name: c.name, status: res.status }).toEqual({ name: c.name, status: c.status });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, c.name).toBe(c.error.code);
      if (typeof c.error.message === "string") expect(body.error.message, c.name).toBe(c.error.message);
      else expect(body.error.message, c.name).toMatch(c.error.message);
    }
    expect(rec.recordings.size).toBe(0);
    expect(await (await fetch(`${rec.url}/health`)).json()).toEqual({ ok: true, recordings: 0, outbox: 0 });
    await rec.stop();
  });
});

describe("recording", () => {
  it("sends the audio ahead in 16 kHz mono WAV chunks on the segments' clock, each stored before it is announced", async () => {
    const rec = await startRecorder({
      port: 0,
      appUrl: app.url,
      secret: SECRET,
      allowPrivateSources: true,
      spoolDir: path.join(tmp, "spool-chunks"),
      store,
      log: quiet,
    });
    try {
      expect(
        (
          await control(rec.url, "POST", "/sessions", {
            ...startReq("s-chunks"),
            segmentSeconds: 6,
            audioChunkSeconds: 2,
          })
        ).status,
      ).toBe(201);
      await until("session.ended", () => app.ended("s-chunks").length > 0);
      const segs = app.segments("s-chunks");
      const chunks = app.chunks("s-chunks");
      expect(segs.length).toBe(2);
      // 2 s each; AAC's last frame may add a sliver of a chunk.
      expect(chunks.length).toBeGreaterThanOrEqual(SOURCE_SECONDS / 2);
      expect(chunks.slice(0, SOURCE_SECONDS / 2 - 1).every((c) => Math.abs(c.duration - 2) < 0.05)).toBe(true);
      // Contiguous from 0, covering what the segments cover.
      expect(chunks[0].startOffset).toBe(0);
      for (let i = 1; i < chunks.length; i++)
        expect(chunks[i].startOffset).toBeCloseTo(chunks[i - 1].startOffset + chunks[i - 1].duration, 2);
      const end = (x: { startOffset: number; duration: number }) => x.startOffset + x.duration;
      expect(Math.abs(end(chunks.at(-1)!) - end(segs.at(-1)!))).toBeLessThan(0.1);
      // Each is under this session's chunk keys, in storage, 16 kHz mono PCM, as long as announced.
      for (const c of chunks) {
        expect(c.storageKey).toMatch(/^sessions\/s-chunks\/chunks\/run-\d{4}-e0-[0-9a-f]{6}-\d{5}\.wav$/);
        const file = path.join(tmp, "check", c.storageKey.replaceAll("/", "_"));
        await store.download(c.storageKey, file);
        const info = JSON.parse(
          execFileSync("ffprobe", [
            "-v",
            "error",
            "-show_entries",
            "stream=codec_name,sample_rate,channels:format=duration",
            "-of",
            "json",
            file,
          ]).toString(),
        );
        expect(info.streams[0]).toMatchObject({ codec_name: "pcm_s16le", sample_rate: "16000", channels: 1 });
        expect(Math.abs(Number(info.format.duration) - c.duration)).toBeLessThan(0.05);
      }
    } finally {
      await rec.stop();
    }
  });

  it("records a source without audio with no chunks (ffmpeg refuses an empty chunk output): the segments are unaffected", async () => {
    const silent = path.join(tmp, "video-only.mp4");
    execFileSync("ffmpeg", [
      "-hide_banner",
      "-loglevel",
      "error",
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=160x90:rate=15:duration=4",
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-g",
      "15",
      silent,
    ]);
    const rec = await startRecorder({
      port: 0,
      appUrl: app.url,
      secret: SECRET,
      allowPrivateSources: true,
      spoolDir: path.join(tmp, "spool-noaudio"),
      store,
      log: quiet,
    });
    try {
      expect(
        (
          await control(rec.url, "POST", "/sessions", {
            ...startReq("s-noaudio", `file://${silent}`),
            segmentSeconds: 2,
            audioChunkSeconds: 1,
          })
        ).status,
      ).toBe(201);
      const [ended] = await until("session.ended", () => app.ended("s-noaudio").length > 0 && app.ended("s-noaudio"));
      expect(ended.reason).toBe("source_ended");
      expect(app.chunks("s-noaudio")).toEqual([]);
      const segs = app.segments("s-noaudio");
      expectNumbered(segs);
      expect(Math.abs(segs.reduce((n, s) => n + s.duration, 0) - 4)).toBeLessThan(0.5);
    } finally {
      await rec.stop();
    }
  });

  it("records a source into contiguous, playable segments announced in order (through webhook 500s), then ends the session", async () => {
    const rec = await startRecorder({
      port: 0,
      appUrl: app.url,
      secret: SECRET,
      allowPrivateSources: true,
      spoolDir: path.join(tmp, "spool-1"),
      store,
      log: quiet,
    });
    app.state.failNext = 3; // the first deliveries get 500: they must arrive later, exactly once
    const res = await control(rec.url, "POST", "/sessions", startReq("s1"));
    expect(res.status).toBe(201);
    const again = await control(rec.url, "POST", "/sessions", startReq("s1"));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ ok: true, started: false });
    const list = (await (await control(rec.url, "GET", "/sessions")).json()) as {
      sessions: { sessionId: string; status: string }[];
    };
    expect(list.sessions).toEqual([expect.objectContaining({ sessionId: "s1", status: "recording" })]);

    const [ended] = await until("session.ended", () => app.ended("s1").length > 0 && app.ended("s1"));
    const segs = app.segments("s1");
    expect(app.state.refused).toBe(3);
    expectNumbered(segs);
    expect(segs.length).toBe(Math.ceil(SOURCE_SECONDS / SEGMENT));
    expect(segs[0].startOffset).toBe(0);
    for (let i = 1; i < segs.length; i++)
      expect(segs[i].startOffset).toBeCloseTo(segs[i - 1].startOffset + segs[i - 1].duration, 3);
    expect(Math.abs(segs.reduce((n, s) => n + s.duration, 0) - SOURCE_SECONDS)).toBeLessThan(0.5);
    expect(segs.map((s) => s.final)).toEqual(segs.map((_, i) => i === segs.length - 1));
    await expectPlayable(segs);
    // A file is a recording: once read to its end it is over, and the app is told not to watch it again.
    expect(ended).toEqual({
      type: "session.ended",
      sessionId: "s1",
      reason: "source_ended",
      message: "the source is a recording and it ended",
      segments: segs.length,
      finite: true,
    });
    expect(app.ended("s1")).toHaveLength(1);
    // Nothing left behind: local files are removed once stored and announced.
    await until("session cleanup", () => rec.recordings.size === 0);
    expect(fs.readdirSync(path.join(tmp, "spool-1", "sessions"))).toEqual([]);
    expect(fs.readdirSync(path.join(tmp, "spool-1", "outbox", "pending"))).toEqual([]);
    await rec.stop();
  });

  it("replays a recording as fast as it reads, re-encoded to the streamer's output (WebM VP9/Opus, low)", async () => {
    const rec = await startRecorder({
      port: 0,
      appUrl: app.url,
      secret: SECRET,
      allowPrivateSources: true,
      spoolDir: path.join(tmp, "spool-webm"),
      store,
      log: quiet,
    });
    const t0 = Date.now();
    const req: TStartRecording = {
      ...startReq("webm-1"),
      replay: { pace: "fast" },
      output: { format: "webm", quality: "low" },
    };
    expect((await control(rec.url, "POST", "/sessions", req)).status).toBe(201);
    const [ended] = await until("session.ended", () => app.ended("webm-1").length > 0 && app.ended("webm-1"));
    const segs = app.segments("webm-1");
    expectNumbered(segs);
    expect(segs.length).toBe(Math.ceil(SOURCE_SECONDS / SEGMENT));
    // Faster than the source plays: no -re.
    expect((Date.now() - t0) / 1000).toBeLessThan(SOURCE_SECONDS);
    // Numbered, and named by the run that recorded them (run number, lease epoch 0, random token).
    for (const [i, s] of segs.entries())
      expect(s.storageKey).toMatch(new RegExp(`^sessions/webm-1/segments/0000${i}\\.run-0000-e0-[0-9a-f]{6}\\.webm$`));
    await expectPlayable(segs);
    const file = path.join(tmp, "check", "webm-1-0.webm");
    const codecs = execFileSync("ffprobe", [
      ...["-v", "error", "-show_entries", "stream=codec_name,height", "-of", "csv=p=0", file],
    ])
      .toString()
      .trim()
      .split("\n");
    expect(codecs.sort()).toEqual(["opus", expect.stringMatching(/^vp9,\d+$/)]);
    expect(Number(codecs.find((c) => c.startsWith("vp9"))!.split(",")[1])).toBeLessThanOrEqual(480);
    expect(ended).toMatchObject({ reason: "source_ended", finite: true, segments: segs.length });
    // A fast replay has no live edge: no live part was stored (the manifest, if any, lists none).
    expect((await manifestOf("webm-1"))?.parts ?? []).toEqual([]);
    const stored = (await store.list(liveKeys.parts("webm-1"))).map((b) => b.key);
    expect(stored.filter((k) => k !== liveKeys.manifest("webm-1"))).toEqual([]);
    await rec.stop();
  });

  it("stops gracefully on DELETE: the current segment is closed, announced as final, then session.ended(stopped)", async () => {
    const rec = await startRecorder({
      port: 0,
      appUrl: app.url,
      secret: SECRET,
      allowPrivateSources: true,
      spoolDir: path.join(tmp, "spool-2"),
      store,
      log: quiet,
    });
    await control(rec.url, "POST", "/sessions", startReq("s2"));
    await until("first segment", () => app.segments("s2").length >= 1);
    await new Promise((r) => setTimeout(r, 1000)); // mid-way through the second segment
    const del = await control(rec.url, "DELETE", "/sessions/s2");
    expect(del.status).toBe(202);
    const [ended] = await until("session.ended", () => app.ended("s2").length > 0 && app.ended("s2"));
    const segs = app.segments("s2");
    expectNumbered(segs);
    expect(segs).toHaveLength(2);
    expect(segs.map((s) => s.final)).toEqual([false, true]);
    expect(segs[1].duration).toBeGreaterThan(0.5);
    expect(segs[1].duration).toBeLessThan(SEGMENT);
    await expectPlayable(segs);
    expect(ended).toEqual({ type: "session.ended", sessionId: "s2", reason: "stopped", segments: 2 });
    await rec.stop();
  });

  it("keeps one session through a source that drops and comes back, then ends it after the grace period", async () => {
    // An HTTP source serving the stream as MPEG-TS: once, then 503 for ~2 s, then once more, then down for good.
    const ts = path.join(tmp, "source.ts");
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", source, "-c", "copy", "-f", "mpegts", ts]);
    let served = 0;
    let downUntil = 0;
    const media = http.createServer((_req, res) => {
      if (Date.now() < downUntil || served >= 2) return res.writeHead(503).end();
      served++;
      if (served === 1) downUntil = Date.now() + 2000;
      res.writeHead(200, { "content-type": "video/mp2t", "content-length": fs.statSync(ts).size });
      fs.createReadStream(ts).pipe(res);
    });
    await new Promise<void>((r) => media.listen(0, "127.0.0.1", () => r()));
    const mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}/live.ts`;
    const rec = await startRecorder({
      port: 0,
      appUrl: app.url,
      secret: SECRET,
      allowPrivateSources: true,
      spoolDir: path.join(tmp, "spool-4"),
      store,
      reconnectGraceSeconds: 4,
      log: quiet,
    });
    const t0 = Date.now();
    await control(rec.url, "POST", "/sessions", startReq("s4", mediaUrl));
    const [ended] = await until("session.ended", () => app.ended("s4").length > 0 && app.ended("s4"));
    const elapsed = (Date.now() - t0) / 1000;
    const segs = app.segments("s4");
    expect(served).toBe(2);
    expectNumbered(segs);
    // Both connections were recorded into the one session: twice the source, in order, never overlapping.
    expect(Math.abs(segs.reduce((n, s) => n + s.duration, 0) - 2 * SOURCE_SECONDS)).toBeLessThan(1);
    for (let i = 1; i < segs.length; i++)
      expect(segs[i].startOffset).toBeGreaterThanOrEqual(segs[i - 1].startOffset + segs[i - 1].duration - 0.001);
    await expectPlayable(segs);
    // Gave up only after the grace period of silence.
    expect(elapsed).toBeGreaterThan(4);
    expect(ended).toMatchObject({ reason: "source_ended", segments: segs.length });
    await rec.stop();
    await new Promise<void>((r) => media.close(() => r()));
  });

  it.each([
    ["an HLS playlist that has ended (#EXT-X-ENDLIST)", "vod/index.m3u8"],
    ["an .mp4 file over HTTP", "talk.mp4"],
  ])("records %s once: no re-read after its end, session.ended says finite", async (_name, file) => {
    // The recording, served by a plain HTTP host that keeps serving it after the end (as a VOD or file does).
    const root = path.join(tmp, `finite-${file.length}`);
    fs.mkdirSync(path.join(root, "vod"), { recursive: true });
    fs.copyFileSync(source, path.join(root, "talk.mp4"));
    execFileSync("ffmpeg", [
      ...["-hide_banner", "-loglevel", "error", "-i", source, "-c", "copy", "-f", "hls", "-hls_time", "2"],
      ...["-hls_playlist_type", "vod", path.join(root, "vod/index.m3u8")],
    ]);
    let requests = 0;
    const host = http.createServer((req, res) => {
      if (req.url?.endsWith(".m3u8") || req.url?.endsWith(".mp4")) requests++;
      const f = path.join(root, decodeURIComponent(new URL(req.url!, "http://x").pathname));
      if (!f.startsWith(root) || !fs.existsSync(f)) return res.writeHead(404).end();
      res.writeHead(200, { "content-length": fs.statSync(f).size });
      fs.createReadStream(f).pipe(res);
    });
    await new Promise<void>((r) => host.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(host.address() as AddressInfo).port}/${file}`;
    const id = `finite-${file.length}`;
    const rec = await startRecorder({
      port: 0,
      appUrl: app.url,
      secret: SECRET,
      allowPrivateSources: true,
      spoolDir: path.join(tmp, `spool-${id}`),
      store,
      reconnectGraceSeconds: 30,
      log: quiet,
    });
    const t0 = Date.now();
    await control(rec.url, "POST", "/sessions", startReq(id, url));
    const [ended] = await until("session.ended", () => app.ended(id).length > 0 && app.ended(id));
    const segs = app.segments(id);
    expectNumbered(segs);
    // The source once, not again and again: its length in segments, ended without waiting out the grace.
    expect(Math.abs(segs.reduce((n, s) => n + s.duration, 0) - SOURCE_SECONDS)).toBeLessThan(1);
    expect((Date.now() - t0) / 1000).toBeLessThan(30);
    expect(ended).toEqual({
      type: "session.ended",
      sessionId: id,
      reason: "source_ended",
      message: "the source is a recording and it ended",
      segments: segs.length,
      finite: true,
    });
    // Nothing reads the source after the end.
    const after = requests;
    await new Promise((r) => setTimeout(r, 2000));
    expect(requests).toBe(after);
    await expectPlayable(segs);
    await rec.stop();
    await new Promise<void>((r) => host.close(() => r()));
  });

  it("survives being killed mid-session: a new recorder delivers the outbox, announces leftovers, resumes without reusing numbers", async () => {
    const spool = path.join(tmp, "spool-kill");
    const req = startReq("s5");
    // A real recorder process, killed with SIGKILL: no cleanup at all, and its ffmpeg outlives it.
    const child = spawn(process.execPath, ["--import", "tsx", "recorder/main.ts"], {
      cwd: path.resolve(__dirname, ".."),
      env: {
        ...process.env,
        NODE_ENV: "test",
        RECORDER_PORT: "0",
        APP_URL: app.url,
        RECORDER_SECRET: SECRET,
        RECORDER_DIR: spool,
        STORAGE_DIR: blobs,
        BLOB_READ_WRITE_TOKEN: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const url = await until("the recorder process", () => /listening on (http:\/\/\S+)/.exec(out)?.[1], 20_000);
    expect((await control(url, "POST", "/sessions", req)).status).toBe(201);
    await until("first segment", () => app.segments("s5").length >= 1);
    app.state.down = true; // the next announcement stays in the outbox
    const pending = path.join(spool, "outbox", "pending");
    // A segment announcement the app has not received. (A file still in pending may be one the app already has:
    // the outbox removes it only after reading the answer; that would be delivered again, at least once.)
    const undelivered = () =>
      fs.readdirSync(pending).some((f) => {
        let m: { type?: string; number?: number } = {};
        try {
          m = JSON.parse(fs.readFileSync(path.join(pending, f), "utf8"));
        } catch {
          return false; // delivered and removed meanwhile
        }
        return m.type === "segment.recorded" && !app.segments("s5").some((s) => s.number === m.number);
      });
    await until("an undelivered segment announcement", undelivered);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const sessionDir = path.join(spool, "sessions", "s5");
    const runDir = path.join(
      sessionDir,
      fs.readdirSync(sessionDir).find((d) => d.startsWith("run-0000-"))!,
    );
    const orphan = Number(fs.readFileSync(path.join(runDir, "ffmpeg.pid"), "utf8"));
    expect(() => process.kill(orphan, 0)).not.toThrow(); // still recording, parentless
    const delivered = app.segments("s5").length;

    app.state.down = false;
    app.state.active = [req];
    const second = await startRecorder({
      port: 0,
      appUrl: app.url,
      secret: SECRET,
      allowPrivateSources: true,
      spoolDir: spool,
      store,
      log: quiet,
    });
    await second.resumed;
    expect(
      fs.existsSync(`/proc/${orphan}/cmdline`) && fs.readFileSync(`/proc/${orphan}/cmdline`, "utf8").includes(runDir),
    ).toBe(false);
    const [ended] = await until("session.ended", () => app.ended("s5").length > 0 && app.ended("s5"));
    app.state.active = [];
    const segs = app.segments("s5");
    expectNumbered(segs); // each number exactly once, none skipped, none reused
    expect(segs.length).toBeGreaterThan(delivered + Math.ceil(SOURCE_SECONDS / SEGMENT)); // outbox + leftovers + resumed run
    for (let i = 1; i < segs.length; i++)
      expect(segs[i].startOffset).toBeGreaterThanOrEqual(segs[i - 1].startOffset + segs[i - 1].duration - 0.001);
    await expectPlayable(segs);
    expect(ended).toMatchObject({ reason: "source_ended", segments: segs.length });
    expect(app.state.badSignatures).toBe(0);
    // Live parts: numbering continued in the resumed run, whose first part is a discontinuity.
    const m = (await manifestOf("s5"))!;
    expect(m.ended).toBe(true);
    expectConsecutive(m);
    expect(m.parts[0].seq).toBe(0);
    expect(m.parts.slice(1).some((p) => p.discontinuity)).toBe(true);
    await second.stop();
  });
});

describe("live parts", () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Downloads the parts into one file, byte after byte, as the renderer does. */
  async function concatenated(m: TLiveManifest, name: string) {
    const dir = path.join(tmp, "check", name);
    const files = [];
    for (const p of m.parts) {
      const f = path.join(dir, `${p.seq}.ts`);
      await store.download(p.key, f);
      files.push(f);
    }
    const all = path.join(dir, "all.ts");
    fs.writeFileSync(all, Buffer.concat(files.map((f) => fs.readFileSync(f))));
    return { files, all };
  }

  it("with 900-s segments, cuts the live edge into ~1 s parts on the session clock before any segment closes; stop → ended, deleted after the grace", async () => {
    const rec = await startRecorder({
      port: 0,
      appUrl: app.url,
      secret: SECRET,
      allowPrivateSources: true,
      spoolDir: path.join(tmp, "spool-parts-1"),
      store,
      // The final segment's store must not drop parts (that is the next test's subject): with a 3-s grace, a
      // slow stop (CI) made the segment end ≥ 3 s after a part seen earlier, and the ended manifest lacked it.
      livePartsGraceSeconds: 600,
      livePartsEndGraceSeconds: 3,
      log: quiet,
    });
    expect((await control(rec.url, "POST", "/sessions", { ...startReq("lp1"), segmentSeconds: 900 })).status).toBe(201);
    let m: TLiveManifest | null = null;
    for (const until = Date.now() + 20_000; !(m && m.parts.length >= 4); await sleep(200)) {
      if (Date.now() > until) throw new Error("timed out waiting for live parts");
      m = await manifestOf("lp1");
    }
    expect(app.segments("lp1")).toHaveLength(0); // the segment is still open
    expect(m.ended).toBe(false);
    expectConsecutive(m);
    expect(m.parts[0]).toMatchObject({ seq: 0, start: 0, discontinuity: false });
    const { files, all } = await concatenated(m, "lp1");
    const t0 = startTime(files[0]);
    m.parts.forEach((p, i) => {
      expect(p.key).toBe(liveKeys.part("lp1", p.seq));
      expect(p.duration).toBeGreaterThan(0.9);
      expect(p.duration).toBeLessThan(2.1);
      // On the session clock: where the media's own timestamps put it, within 0.1 s.
      expect(Math.abs(p.start - (startTime(files[i]) - t0))).toBeLessThan(0.1);
    });
    expect(m.targetDuration).toBe(Math.ceil(Math.max(...m.parts.map((p) => p.duration))));
    // Consecutive parts concatenate byte-wise into one playable stream.
    const info = probe(all);
    expect(info.streams.map((x) => x.codec_type).sort()).toEqual(["audio", "video"]);
    const sum = m.parts.reduce((n, p) => n + p.duration, 0);
    expect(Math.abs(Number(info.format.duration) - sum)).toBeLessThan(0.15);

    expect((await control(rec.url, "DELETE", "/sessions/lp1")).status).toBe(202);
    await until("session.ended", () => app.ended("lp1").length > 0);
    const last = (await manifestOf("lp1"))!;
    expect(last.ended).toBe(true);
    expectConsecutive(last);
    expect(last.parts.length).toBeGreaterThanOrEqual(m.parts.length);
    // The parts hold what the (one, final) segment holds.
    const [seg] = app.segments("lp1");
    expect(seg).toMatchObject({ number: 0, startOffset: 0, final: true });
    const end = last.parts.at(-1)!.start + last.parts.at(-1)!.duration;
    expect(Math.abs(end - seg.duration)).toBeLessThan(0.15);

    // After the grace, the parts and the manifest are gone.
    await sleep(3500);
    expect(await manifestOf("lp1")).toBeNull();
    for (const p of last.parts) expect(await store.stat(p.key)).toBeNull();
    await rec.stop();
  });

  it("deletes parts once their segment is stored and the grace has passed; part starts line up with segment starts", async () => {
    const rec = await startRecorder({
      port: 0,
      appUrl: app.url,
      secret: SECRET,
      allowPrivateSources: true,
      spoolDir: path.join(tmp, "spool-parts-2"),
      store,
      livePartsGraceSeconds: 3,
      // Checked after the session ends: the end's own clean-up must not race the checks.
      livePartsEndGraceSeconds: 120,
      log: quiet,
    });
    expect((await control(rec.url, "POST", "/sessions", startReq("lp2"))).status).toBe(201);
    const seen = new Map<number, TLiveManifest["parts"][number]>();
    while (!app.ended("lp2").length) {
      for (const p of (await manifestOf("lp2"))?.parts ?? []) seen.set(p.seq, p);
      await sleep(150);
    }
    const m = (await manifestOf("lp2"))!;
    expect(m.ended).toBe(true);
    // The last part can land between the last poll and the end.
    for (const p of m.parts) seen.set(p.seq, p);
    expectConsecutive(m);
    const segs = app.segments("lp2");
    expect(segs.length).toBe(Math.ceil(SOURCE_SECONDS / SEGMENT));
    // Every segment starts where a part starts (both are cut on keyframes, on the run's one clock).
    const all = [...seen.values()].sort((a, b) => a.seq - b.seq);
    expect(all.map((p) => p.seq)).toEqual(all.map((_, i) => i));
    for (const s of segs) expect(Math.min(...all.map((p) => Math.abs(p.start - s.startOffset)))).toBeLessThan(0.1);
    // The last stored segment ends at `lastEnd`: parts ending before lastEnd − grace are gone, from the
    // manifest and from storage; the others are still there.
    const lastEnd = segs.at(-1)!.startOffset + segs.at(-1)!.duration;
    expect(m.parts[0].seq).toBeGreaterThan(0);
    for (const p of all) {
      const kept = p.start + p.duration > lastEnd - 3 + 1e-6;
      expect(m.parts.some((q) => q.seq === p.seq)).toBe(kept);
      expect((await store.stat(p.key)) !== null).toBe(kept);
    }
    await rec.stop();
  });
});
