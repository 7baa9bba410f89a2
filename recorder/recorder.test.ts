import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TRecorderWebhook, TStartRecording } from "@/lib/recorder/protocol";
import { SIGNATURE_HEADER, signBody, verifySignature } from "@/lib/signing";
import { createLocalStore } from "@/lib/storage/local-store";
import { startRecorder } from "./server";

const SECRET = "recorder-test-secret-123456";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recorder-"));
const store = createLocalStore(path.join(tmp, "blobs"));
let source: string;
const SOURCE_SECONDS = 10;

/** Plays the app: verifies signatures, records webhooks, serves the active-session list, can fail on demand. */
async function fakeApp() {
  const received: TRecorderWebhook[] = [];
  const state = { active: [] as TStartRecording[], failNext: 0, rejected: 0 };
  const server = http.createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    if (!verifySignature(SECRET, body, req.headers[SIGNATURE_HEADER] as string).ok) return res.writeHead(401).end();
    if (req.url === "/api/recorder/sessions") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ sessions: state.active }));
    if (state.failNext > 0) {
      state.failNext--;
      state.rejected++;
      return res.writeHead(500).end();
    }
    received.push(JSON.parse(body));
    res.writeHead(200).end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function until<T>(fn: () => T | undefined | null | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

function control(url: string, method: string, p: string, body?: unknown, secret = SECRET) {
  const text = body === undefined ? "" : JSON.stringify(body);
  return fetch(`${url}${p}`, { method, headers: { [SIGNATURE_HEADER]: signBody(secret, text) }, body: method === "GET" ? undefined : text });
}

const segmentsOf = (app: { received: TRecorderWebhook[] }, id: string) =>
  app.received.filter((m): m is Extract<TRecorderWebhook, { type: "segment.recorded" }> => m.type === "segment.recorded" && m.sessionId === id);

beforeAll(() => {
  source = path.join(tmp, "source.mp4");
  execFileSync("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", `testsrc2=size=320x180:rate=15:duration=${SOURCE_SECONDS}`,
    "-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${SOURCE_SECONDS}`,
    "-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-keyint_min", "15", "-sc_threshold", "0", "-c:a", "aac", "-shortest", source,
  ]);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("recorder", () => {
  let app: Awaited<ReturnType<typeof fakeApp>>;
  beforeAll(async () => {
    app = await fakeApp();
  });
  afterAll(() => app.close());

  it("refuses unsigned and tampered control requests", async () => {
    const rec = await startRecorder({ port: 0, appUrl: app.url, secret: SECRET, spoolDir: path.join(tmp, "spool-auth"), store });
    const body = { sessionId: "s-auth", streamerId: "x", source: { kind: "url", url: `file://${source}` }, segmentSeconds: 3 };
    const unsigned = await fetch(`${rec.url}/sessions`, { method: "POST", body: JSON.stringify(body) });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual({ error: { code: "unauthorized", message: "Invalid signature (missing)." } });
    const wrongKey = await control(rec.url, "POST", "/sessions", body, "another-secret-abcdefgh");
    expect(wrongKey.status).toBe(401);
    const bad = await control(rec.url, "POST", "/sessions", { sessionId: "s-auth" });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.code).toBe("invalid_input");
    expect(rec.recordings.size).toBe(0);
    await rec.stop();
  });

  it("records a source into contiguous, playable segments, announced in order, then ends the session", async () => {
    const rec = await startRecorder({ port: 0, appUrl: app.url, secret: SECRET, spoolDir: path.join(tmp, "spool-1"), store });
    app.state.failNext = 2; // the first deliveries fail with 500: they must arrive later, exactly once
    const res = await control(rec.url, "POST", "/sessions", { sessionId: "s1", streamerId: "x", source: { kind: "url", url: `file://${source}` }, segmentSeconds: 3 });
    expect(res.status).toBe(201);
    const again = await control(rec.url, "POST", "/sessions", { sessionId: "s1", streamerId: "x", source: { kind: "url", url: `file://${source}` }, segmentSeconds: 3 });
    expect(await again.json()).toEqual({ ok: true, started: false });

    await until(() => app.received.some((m) => m.type === "session.ended" && m.sessionId === "s1"), 60_000);
    const segs = segmentsOf(app, "s1");
    expect(app.state.rejected).toBe(2);
    expect(segs.map((s) => s.number)).toEqual(segs.map((_, i) => i));
    expect(segs.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < segs.length; i++) expect(segs[i].startOffset).toBeCloseTo(segs[i - 1].startOffset + segs[i - 1].duration, 2);
    const total = segs.reduce((n, s) => n + s.duration, 0);
    expect(Math.abs(total - SOURCE_SECONDS)).toBeLessThan(0.5);
    expect(segs.at(-1)!.final).toBe(true);
    expect(segs.slice(0, -1).every((s) => !s.final)).toBe(true);
    for (const s of segs) {
      const file = path.join(tmp, `check-${s.number}.ts`);
      await store.download(s.storageKey, file);
      const d = Number(execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]).toString());
      expect(Math.abs(d - s.duration)).toBeLessThan(0.3);
    }
    expect(app.received.find((m) => m.type === "session.ended" && m.sessionId === "s1")).toMatchObject({ reason: "source_ended", segments: segs.length });
    await rec.stop();
  });

  it("stops gracefully on DELETE with a final segment", async () => {
    const rec = await startRecorder({ port: 0, appUrl: app.url, secret: SECRET, spoolDir: path.join(tmp, "spool-2"), store });
    await control(rec.url, "POST", "/sessions", { sessionId: "s2", streamerId: "x", source: { kind: "url", url: `file://${source}` }, segmentSeconds: 2 });
    await until(() => segmentsOf(app, "s2").length >= 1);
    const del = await control(rec.url, "DELETE", "/sessions/s2");
    expect(del.status).toBe(200);
    await until(() => app.received.some((m) => m.type === "session.ended" && m.sessionId === "s2"));
    const segs = segmentsOf(app, "s2");
    expect(segs.at(-1)!.final).toBe(true);
    expect(app.received.find((m) => m.type === "session.ended" && m.sessionId === "s2")).toMatchObject({ reason: "stopped" });
    await rec.stop();
  });

  it("resumes after being killed mid-session: leftovers announced, numbers never reused", async () => {
    const spool = path.join(tmp, "spool-3");
    const req = { sessionId: "s3", streamerId: "x", source: { kind: "url" as const, url: `file://${source}` }, segmentSeconds: 2 };
    const first = await startRecorder({ port: 0, appUrl: app.url, secret: SECRET, spoolDir: spool, store });
    await control(first.url, "POST", "/sessions", req);
    await until(() => segmentsOf(app, "s3").length >= 2);
    await first.stop(); // like a crash: no session.ended, files left in the spool
    expect(app.received.some((m) => m.type === "session.ended" && m.sessionId === "s3")).toBe(false);

    app.state.active = [req];
    const second = await startRecorder({ port: 0, appUrl: app.url, secret: SECRET, spoolDir: spool, store });
    await second.resumed;
    await until(() => app.received.some((m) => m.type === "session.ended" && m.sessionId === "s3"), 60_000);
    app.state.active = [];
    const numbers = segmentsOf(app, "s3").map((s) => s.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers.length).toBeGreaterThan(2);
    await second.stop();
  });

  it("keeps one session through a source that drops and comes back, then ends it after the grace period", async () => {
    // An HTTP source (MPEG-TS, one request per connection): serves the stream, fails for ~2 s, serves it
    // once more, then stays down.
    const ts = path.join(tmp, "source.ts");
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", source, "-c", "copy", "-f", "mpegts", ts]);
    let served = 0;
    let downUntil = 0;
    const media = http.createServer((req, res) => {
      if (Date.now() < downUntil || served >= 2) return res.writeHead(503).end();
      served++;
      if (served === 1) downUntil = Date.now() + 2000;
      res.writeHead(200, { "content-type": "video/mp2t", "content-length": fs.statSync(ts).size });
      fs.createReadStream(ts).pipe(res);
    });
    await new Promise<void>((r) => media.listen(0, "127.0.0.1", () => r()));
    const mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}/live.ts`;
    const rec = await startRecorder({ port: 0, appUrl: app.url, secret: SECRET, spoolDir: path.join(tmp, "spool-4"), store, reconnectGraceSeconds: 4 });
    await control(rec.url, "POST", "/sessions", { sessionId: "s4", streamerId: "x", source: { kind: "url", url: mediaUrl }, segmentSeconds: 3 });
    await until(() => app.received.some((m) => m.type === "session.ended" && m.sessionId === "s4"), 60_000);
    const segs = segmentsOf(app, "s4");
    expect(served).toBe(2);
    expect(segs.map((s) => s.number)).toEqual(segs.map((_, i) => i));
    // Both connections were recorded into the one session, and stream time never goes backwards.
    expect(segs.reduce((n, s) => n + s.duration, 0)).toBeGreaterThan(2 * SOURCE_SECONDS - 1);
    for (let i = 1; i < segs.length; i++) expect(segs[i].startOffset).toBeGreaterThanOrEqual(segs[i - 1].startOffset + segs[i - 1].duration - 0.01);
    expect(app.received.find((m) => m.type === "session.ended" && m.sessionId === "s4")).toMatchObject({ reason: "source_ended" });
    await rec.stop();
    await new Promise<void>((r) => media.close(() => r()));
  });
});
