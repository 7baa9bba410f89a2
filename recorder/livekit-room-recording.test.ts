/**
 * Rooms on the operator's LiveKit server in the real recorder (`livekit` sources): a local file decoded to raw
 * I420 + PCM in real time stands in for the room (no LiveKit server runs here), opened through the `livekit`
 * frame source factory with what the recorder would join with (server URL, room, the app's token), into the
 * same segmenter as pump.fun rooms: segments and audio chunks, stored and announced; a restart resumes the
 * room with the fresh token the app's active-session list carries.
 */
import { execFileSync } from "node:child_process";
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
import { createLocalStore } from "@/lib/storage/local-store";
import { recorderCallSigned } from "@/test/fixtures/recorder-signature";
import { fileFrameSources, type TFrameSourceFactory, type TLivekitRoom } from "./frame-source";
import { startRecorder, type TRecorder } from "./main";

const SECRET = "livekit-room-recorder-test-secret";
const SEGMENT = 3;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recorder-livekit-"));
const store = createLocalStore(path.join(tmp, "blobs"));
const media = path.join(tmp, "room.mp4");
const received: TRecorderWebhook[] = [];
const appState = { active: [] as TStartRecording[], down: false };
let app: http.Server;
let appUrl: string;

beforeAll(async () => {
  execFileSync("ffmpeg", [
    ...["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25"],
    ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "8"],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", media],
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
const chunks = (id: string) => received.filter((m): m is TAudioChunk => m.type === "audio.chunk" && m.sessionId === id);
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

const startReq = (sessionId: string, token: string, audioChunkSeconds = 0): TStartRecording => ({
  sessionId,
  streamerId: "s-1",
  source: { kind: "livekit", url: "wss://livekit.example.com", room: "studio", token },
  segmentSeconds: SEGMENT,
  audioChunkSeconds,
});

/** The room: the publisher plays the file `plays` times; every join is recorded with what it joined with. */
function room(plays: number) {
  const joins: TLivekitRoom[] = [];
  const files = fileFrameSources((name) => (name === "studio" ? media : undefined));
  const factory: TFrameSourceFactory<TLivekitRoom> = async (r, log) => {
    joins.push(r);
    if (joins.length > plays) throw new Error(`no video published in room ${r.room} yet`);
    return files(r.room, log);
  };
  return { joins, factory };
}

function recorder(livekitRooms: TFrameSourceFactory<TLivekitRoom>, name: string): Promise<TRecorder> {
  return startRecorder({
    port: 0,
    appUrl,
    secret: SECRET,
    spoolDir: path.join(tmp, name),
    store,
    reconnectGraceSeconds: 4,
    frameSources: async () => {
      throw new Error("not a pump.fun room");
    },
    livekitRooms,
    log: () => {},
  });
}

const control = (url: string, method: string, p: string, body?: unknown) => {
  const text = body === undefined ? "" : JSON.stringify(body);
  return fetch(`${url}${p}`, {
    method,
    headers: { [SIGNATURE_HEADER]: signRequest(SECRET, method, p, text) },
    body: method === "GET" ? undefined : text,
  });
};

describe("an operator's LiveKit room in the recorder", () => {
  it("joins with the app's URL, room and token and records segments and audio chunks, like a pump.fun room", async () => {
    const r = room(1);
    const rec = await recorder(r.factory, "a");
    try {
      expect((await control(rec.url, "POST", "/sessions", startReq("lk-a", "token-1", 1))).status).toBe(201);
      const end = await until("session.ended", () => ended("lk-a"));
      expect(r.joins[0]).toEqual({
        kind: "livekit",
        sessionId: "lk-a",
        url: "wss://livekit.example.com",
        room: "studio",
        token: "token-1",
      });
      const segs = segments("lk-a");
      expect(end).toMatchObject({ reason: "source_ended", segments: segs.length });
      expect(segs.map((s) => s.number)).toEqual(segs.map((_, i) => i));
      expect(segs.length).toBeGreaterThanOrEqual(2);
      const total = segs.reduce((t, s) => t + s.duration, 0);
      expect(total).toBeGreaterThan(7);
      expect(total).toBeLessThan(9);
      // Audio chunks of 1 s on the segments' clock, sent while the segments recorded.
      const cs = chunks("lk-a");
      expect(cs.length).toBeGreaterThanOrEqual(6);
      for (const c of cs.slice(0, -1)) expect(c.duration).toBeCloseTo(1, 1);
      expect(cs.at(-1)!.duration).toBeLessThanOrEqual(1.05); // the source's end cuts the last one short
      expect(cs.map((c) => c.startOffset)).toEqual([...cs.map((c) => c.startOffset)].sort((a, b) => a - b));
      const firstChunkAt = received.findIndex((m) => m.type === "audio.chunk" && m.sessionId === "lk-a");
      const firstSegmentAt = received.findIndex((m) => m.type === "segment.recorded" && m.sessionId === "lk-a");
      expect(firstChunkAt).toBeLessThan(firstSegmentAt);
    } finally {
      await rec.stop();
    }
  }, 90_000);

  it("a bad livekit source is refused with a clear 422", async () => {
    const rec = await recorder(room(0).factory, "bad");
    try {
      const bad = { ...startReq("lk-bad", "t"), source: { kind: "livekit", url: "http://x", room: "", token: "t" } };
      const res = await control(rec.url, "POST", "/sessions", bad);
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({
        error: {
          code: "invalid_input",
          message: "source.url: a ws:// or wss:// URL; source.room: Too small: expected string to have >=1 characters",
        },
      });
    } finally {
      await rec.stop();
    }
  });

  it("after a restart, resumes the room with the fresh token of the app's active-session list", async () => {
    const r = room(2);
    const first = await recorder(r.factory, "restart");
    await control(first.url, "POST", "/sessions", startReq("lk-r", "token-old"));
    await until("first segment", () => segments("lk-r").length >= 1);
    await first.stop(); // the session stays in the spool, with the old token
    expect(ended("lk-r")).toBeUndefined();
    appState.active = [startReq("lk-r", "token-fresh")];
    const second = await recorder(r.factory, "restart");
    try {
      await second.resumed;
      const end = await until("session.ended", () => ended("lk-r"));
      appState.active = [];
      expect(r.joins.map((j) => j.token).slice(0, 2)).toEqual(["token-old", "token-fresh"]);
      const segs = segments("lk-r");
      expect(segs.map((s) => s.number)).toEqual(segs.map((_, i) => i));
      expect(end).toMatchObject({ reason: "source_ended", segments: segs.length });
    } finally {
      await second.stop();
    }
  }, 120_000);
});
