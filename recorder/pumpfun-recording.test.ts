/**
 * pump.fun sessions in the real recorder: a frame source (here a local file decoded to raw I420 + PCM in real
 * time, standing in for the LiveKit room, which cannot run on this machine) feeds the same ffmpeg segmenter,
 * whose segments are stored and announced like any other source's.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TRecorderWebhook, TSegmentRecorded, TSessionEnded, TStartRecording } from "@/lib/recorder/protocol";
import { SIGNATURE_HEADER, signRequest } from "@/lib/signing";
import { recorderCallSigned } from "@/test/fixtures/recorder-signature";
import { liveKeys, ZLiveManifest } from "@/lib/live-edge/manifest";
import { createLocalStore } from "@/lib/storage/local-store";
import { fileFrameSources, type TFrameSourceFactory } from "./frame-source";
import { pacedFileFrameSources } from "./paced-file-frame-source";
import { startRecorder, type TRecorder } from "./main";

const SECRET = "pumpfun-recorder-test-secret";
const MINT = "2qEHjDLDLbuBgRYvsxhc5D6uDWAivNFZGan56P1tpump";
const SEGMENT = 3;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recorder-pumpfun-"));
const store = createLocalStore(path.join(tmp, "blobs"));
const media = path.join(tmp, "room.mp4");
const received: TRecorderWebhook[] = [];
/** What the fake app lists as active sessions (a restarted recorder resumes them), and whether webhooks fail. */
const appState = { active: [] as TStartRecording[], down: false };
let app: http.Server;
let appUrl: string;

beforeAll(async () => {
  execFileSync("ffmpeg", [
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=320x180:rate=25",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:sample_rate=44100",
    "-t",
    "8",
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-c:a",
    "aac",
    "-shortest",
    media,
  ]);
  app = http.createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    if (!recorderCallSigned(SECRET, req, body)) return res.writeHead(401).end();
    if (req.method === "GET")
      return res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ sessions: appState.active }));
    if (appState.down) return res.writeHead(503).end();
    received.push(JSON.parse(body));
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise<void>((r) => app.close(() => r()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

const segments = (id: string) =>
  received.filter((m): m is TSegmentRecorded => m.type === "segment.recorded" && m.sessionId === id);
const ended = (id: string) =>
  received.find((m): m is TSessionEnded => m.type === "session.ended" && m.sessionId === id);

async function until<T>(what: string, fn: () => T | undefined | null | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const startReq = (sessionId: string): TStartRecording => ({
  sessionId,
  streamerId: "s-1",
  source: { kind: "pumpfun", mint: MINT },
  segmentSeconds: SEGMENT,
});
const control = (url: string, method: string, p: string, body?: unknown) => {
  const text = body === undefined ? "" : JSON.stringify(body);
  return fetch(`${url}${p}`, {
    method,
    headers: { [SIGNATURE_HEADER]: signRequest(SECRET, method, p, text) },
    body: method === "GET" ? undefined : text,
  });
};
const probe = (file: string) =>
  JSON.parse(
    execFileSync("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "format=duration:stream=codec_type,width,height",
      "-of",
      "json",
      file,
    ]).toString(),
  ) as {
    format: { duration: string };
    streams: { codec_type: string; width?: number; height?: number }[];
  };

/** A room that is "live" before its publisher sends frames: the first `notYet` joins find no video. */
function room(notYet: number, plays: number) {
  const calls = { opened: 0, refused: 0 };
  const files = fileFrameSources(() => media);
  const factory: TFrameSourceFactory = async (mint, log) => {
    expect(mint).toBe(MINT);
    if (calls.refused < notYet || calls.opened >= plays) {
      calls.refused++;
      throw new Error(`no video published in room ${mint} yet`);
    }
    calls.opened++;
    return files(mint, log);
  };
  return { calls, factory };
}

async function recorder(frameSources: TFrameSourceFactory, name: string): Promise<TRecorder> {
  return startRecorder({
    port: 0,
    appUrl,
    secret: SECRET,
    spoolDir: path.join(tmp, name),
    store,
    reconnectGraceSeconds: 4,
    frameSources,
    log: () => {},
  });
}

async function expectPlayable(segs: TSegmentRecorded[]) {
  for (const s of segs) {
    const file = path.join(tmp, `check-${s.sessionId}-${s.number}.ts`);
    await store.download(s.storageKey, file);
    expect(fs.statSync(file).size).toBe(s.sizeBytes);
    const info = probe(file);
    expect(info.streams.map((x) => x.codec_type).sort()).toEqual(["audio", "video"]);
    expect(Math.abs(Number(info.format.duration) - s.duration)).toBeLessThan(0.3);
  }
}

describe("pump.fun recording through a frame source", () => {
  it("waits for the publisher, records the room's audio and video in segments, ends when the room stays empty", async () => {
    const r = room(1, 1);
    const rec = await recorder(r.factory, "a");
    try {
      const res = await control(rec.url, "POST", "/sessions", startReq("pf-a"));
      expect(res.status).toBe(201);
      const end = await until("session.ended", () => ended("pf-a"));
      expect(end).toMatchObject({ reason: "source_ended", segments: segments("pf-a").length });
      const segs = segments("pf-a");
      expect(segs.map((s) => s.number)).toEqual(segs.map((_, i) => i));
      expect(r.calls.refused).toBeGreaterThanOrEqual(2); // once before the publisher, again after it left
      expect(r.calls.opened).toBe(1);
      let total = 0;
      for (const [i, s] of segs.entries()) {
        if (i > 0) expect(s.startOffset).toBeCloseTo(segs[i - 1].startOffset + segs[i - 1].duration, 1);
        const file = path.join(tmp, "check.ts");
        await store.download(s.storageKey, file);
        const info = probe(file);
        expect(info.streams.map((x) => x.codec_type).sort()).toEqual(["audio", "video"]);
        expect(info.streams.find((x) => x.codec_type === "video")).toMatchObject({ width: 320, height: 180 });
        total += s.duration;
      }
      expect(segs.length).toBeGreaterThanOrEqual(3);
      expect(total).toBeGreaterThan(7);
      expect(total).toBeLessThan(9);
      // The live parts of the encoded room: a keyframe every second, so 1-s parts, the same media as the segments.
      const blob = (await store.read(liveKeys.manifest("pf-a")))!;
      const chunks: Buffer[] = [];
      for await (const c of blob.stream) chunks.push(c as Buffer);
      const m = ZLiveManifest.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      expect(m.ended).toBe(true);
      expect(m.parts.map((p) => p.seq)).toEqual(m.parts.map((_, i) => i));
      expect(m.parts.slice(0, -1).every((p) => Math.abs(p.duration - 1) < 0.05)).toBe(true);
      const last = m.parts.at(-1)!;
      expect(Math.abs(last.start + last.duration - (segs.at(-1)!.startOffset + segs.at(-1)!.duration))).toBeLessThan(
        0.1,
      );
    } finally {
      await rec.stop();
    }
  }, 90_000);

  it("records a room to the streamer's output (WebM VP9/Opus): the segments in its codecs, the live parts H.264", async () => {
    const r = room(0, 1);
    const rec = await recorder(r.factory, "webm");
    try {
      const req: TStartRecording = { ...startReq("pf-webm"), output: { format: "webm", quality: "low" } };
      expect((await control(rec.url, "POST", "/sessions", req)).status).toBe(201);
      await until("session.ended", () => ended("pf-webm"));
      const segs = segments("pf-webm");
      expect(segs.length).toBeGreaterThanOrEqual(3);
      for (const s of segs)
        expect(s.storageKey).toMatch(new RegExp(`^sessions/pf-webm/segments/0000${s.number}\\..*\\.webm$`));
      const codecs = async (key: string, name: string) => {
        const file = path.join(tmp, name);
        await store.download(key, file);
        return execFileSync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", file])
          .toString()
          .trim()
          .split("\n")
          .filter((c, i, all) => c && all.indexOf(c) === i) // MPEG-TS lists its streams again per program
          .sort();
      };
      for (const s of segs) expect(await codecs(s.storageKey, `webm-${s.number}.webm`)).toEqual(["opus", "vp9"]);
      const blob = (await store.read(liveKeys.manifest("pf-webm")))!;
      const bytes: Buffer[] = [];
      for await (const c of blob.stream) bytes.push(c as Buffer);
      const m = ZLiveManifest.parse(JSON.parse(Buffer.concat(bytes).toString("utf8")));
      expect(m.parts.length).toBeGreaterThan(3);
      expect(await codecs(m.parts[0].key, "part-0.ts")).toEqual(["aac", "h264"]);
    } finally {
      await rec.stop();
    }
  }, 90_000);

  it("a stop while the room plays closes the last segment as final and ends the session as stopped", async () => {
    const r = room(0, 1);
    const rec = await recorder(r.factory, "b");
    try {
      await control(rec.url, "POST", "/sessions", startReq("pf-b"));
      await until("first segment", () => segments("pf-b").length >= 1);
      expect((await control(rec.url, "DELETE", "/sessions/pf-b")).status).toBe(202);
      const end = await until("session.ended", () => ended("pf-b"));
      expect(end.reason).toBe("stopped");
      const segs = segments("pf-b");
      expect(segs.at(-1)?.final).toBe(true);
      expect(segs.filter((s) => s.final)).toHaveLength(1);
    } finally {
      await rec.stop();
    }
  }, 90_000);

  it("frames delivered like a room's (whole frames at 25 fps, PCM chunks) are paced to 30 fps with audio in step, segment by segment", async () => {
    const paced = pacedFileFrameSources(() => media);
    let plays = 0;
    const factory: TFrameSourceFactory = async (mint, log, signal) => {
      if (plays++ > 0) throw new Error(`no video published in room ${mint} yet`);
      return paced(mint, log, signal);
    };
    const rec = await recorder(factory, "paced");
    try {
      await control(rec.url, "POST", "/sessions", startReq("pf-p"));
      const end = await until("session.ended", () => ended("pf-p"));
      const segs = segments("pf-p");
      expect(end).toMatchObject({ reason: "source_ended", segments: segs.length });
      expect(segs.length).toBeGreaterThanOrEqual(2);
      let total = 0;
      for (const s of segs) {
        const file = path.join(tmp, `paced-${s.number}.ts`);
        await store.download(s.storageKey, file);
        const streams = JSON.parse(
          execFileSync("ffprobe", [
            "-v",
            "error",
            "-show_entries",
            "stream=codec_type,r_frame_rate,duration,width,height",
            "-of",
            "json",
            file,
          ]).toString(),
        ).streams as { codec_type: string; r_frame_rate: string; duration: string; width?: number }[];
        const v = streams.find((x) => x.codec_type === "video")!;
        const a = streams.find((x) => x.codec_type === "audio")!;
        expect(v).toMatchObject({ r_frame_rate: "30/1", width: 320 });
        expect(Math.abs(Number(v.duration) - Number(a.duration))).toBeLessThan(0.2); // audio and video in step
        total += s.duration;
      }
      expect(total).toBeGreaterThan(7);
      expect(total).toBeLessThan(9);
      // The live parts of the encoded room: a keyframe every second, so 1-s parts, the same media as the segments.
      const blob = (await store.read(liveKeys.manifest("pf-p")))!;
      const chunks: Buffer[] = [];
      for await (const c of blob.stream) chunks.push(c as Buffer);
      const m = ZLiveManifest.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      expect(m.ended).toBe(true);
      expect(m.parts.map((p) => p.seq)).toEqual(m.parts.map((_, i) => i));
      expect(m.parts.slice(0, -1).every((p) => Math.abs(p.duration - 1) < 0.05)).toBe(true);
      const last = m.parts.at(-1)!;
      expect(Math.abs(last.start + last.duration - (segs.at(-1)!.startOffset + segs.at(-1)!.duration))).toBeLessThan(
        0.1,
      );
    } finally {
      await rec.stop();
    }
  }, 90_000);

  it("a stop while waiting for a publisher that never comes ends the session at once as stopped, with no segments", async () => {
    // Like the LiveKit source: joined, waiting for the first frame, until told to stop.
    const waits: AbortSignal[] = [];
    const factory: TFrameSourceFactory = (mint, _log, signal) =>
      new Promise((_, reject) => {
        waits.push(signal!);
        signal!.addEventListener("abort", () => reject(new Error("stopped")), { once: true });
      });
    const rec = await recorder(factory, "never");
    try {
      await control(rec.url, "POST", "/sessions", startReq("pf-n"));
      await until("the recorder waiting in the room", () => waits.length === 1);
      expect((await control(rec.url, "DELETE", "/sessions/pf-n")).status).toBe(202);
      const end = await until("session.ended", () => ended("pf-n"));
      expect(end).toMatchObject({ reason: "stopped", segments: 0 });
      expect(waits).toHaveLength(1);
      expect(waits[0].aborted).toBe(true);
      expect(segments("pf-n")).toEqual([]);
    } finally {
      await rec.stop();
    }
  }, 60_000);

  it("survives a recorder restart mid-session: undelivered and unannounced segments go out once, the room is rejoined, numbers continue", async () => {
    const r = room(0, 2); // the room plays for the first recorder, then again for the second
    const req = startReq("pf-r");
    const first = await recorder(r.factory, "restart");
    await control(first.url, "POST", "/sessions", req);
    await until("first segment", () => segments("pf-r").length >= 1);
    appState.down = true; // the next announcement stays in the outbox
    const pending = path.join(tmp, "restart", "outbox", "pending");
    await until("an undelivered webhook", () => fs.existsSync(pending) && fs.readdirSync(pending).length >= 1);
    await first.stop(); // ffmpeg killed mid-segment; the session stays on disk
    const sessionDir = path.join(tmp, "restart", "sessions", "pf-r");
    expect(fs.readdirSync(sessionDir).some((d) => d.startsWith("run-"))).toBe(true); // a partial segment left behind
    const delivered = segments("pf-r").length;
    expect(ended("pf-r")).toBeUndefined();

    appState.down = false;
    appState.active = [req];
    const second = await recorder(r.factory, "restart");
    try {
      await second.resumed;
      const end = await until("session.ended", () => ended("pf-r"));
      appState.active = [];
      const segs = segments("pf-r");
      expect(segs.map((s) => s.number)).toEqual(segs.map((_, i) => i)); // each number once: nothing announced twice
      for (let i = 1; i < segs.length; i++)
        expect(segs[i].startOffset).toBeGreaterThanOrEqual(segs[i - 1].startOffset + segs[i - 1].duration - 0.001);
      expect(segs.length).toBeGreaterThan(delivered + 2); // the held one, the partial, and the rejoined room's
      expect(r.calls.opened).toBe(2);
      expect(end).toMatchObject({ reason: "source_ended", segments: segs.length });
      await expectPlayable(segs);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
