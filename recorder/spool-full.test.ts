/**
 * Fault: the recorder's own spool disk fills up while a session records (issue 19.2). ffmpeg cannot write the
 * next segment, the state file and the outbox cannot be written. The recorder stops the recording visibly:
 * what is on disk is stored and announced (the outbox keeps the messages in memory), nothing stored goes
 * unannounced, and the session ends as `failed` with the reason, which the app shows on the streamer. The spool
 * is a real tiny tmpfs, filled to the last byte once the first segment is announced (needs root to mount, as
 * CI runs).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TRecorderWebhook, TSegmentRecorded, TSessionEnded } from "@/lib/recorder/protocol";
import { SIGNATURE_HEADER, signRequest } from "@/lib/signing";
import { createLocalStore } from "@/lib/storage/local-store";
import { recorderCallSigned } from "@/test/fixtures/recorder-signature";
import { startRecorder } from "./main";

const SECRET = "spool-full-test-secret-1234";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "spool-full-"));
const spool = path.join(tmp, "spool");
const blobs = path.join(tmp, "blobs");
const source = path.join(tmp, "source.mp4");

fs.mkdirSync(spool, { recursive: true });
execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", spool]);
afterAll(() => {
  execFileSync("umount", ["-l", spool]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Fills the filesystem holding `dir` to the last byte. */
function fill(dir: string) {
  const fd = fs.openSync(path.join(dir, "filler"), "w");
  const block = Buffer.alloc(64 * 1024);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  }
  const byte = Buffer.alloc(1);
  try {
    for (;;) fs.writeSync(fd, byte);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  }
  fs.closeSync(fd);
}

describe("spool disk full while recording", () => {
  it("stops the recording with the reason, after storing and announcing every segment on disk", async () => {
    execFileSync("ffmpeg", [
      ...["-hide_banner", "-loglevel", "error"],
      ...["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15:duration=20"],
      ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=20"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-keyint_min", "15", "-sc_threshold", "0"],
      ...["-c:a", "aac", "-shortest", source],
    ]);
    const received: TRecorderWebhook[] = [];
    const app = http.createServer(async (req, res) => {
      let body = "";
      for await (const c of req) body += c;
      if (!recorderCallSigned(SECRET, req, body)) return res.writeHead(401).end();
      if (req.method === "GET")
        return res.writeHead(200, { "content-type": "application/json" }).end('{"sessions":[]}');
      received.push(JSON.parse(body));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const store = createLocalStore(blobs);
    const logs: string[] = [];
    const rec = await startRecorder({
      port: 0,
      appUrl,
      secret: SECRET,
      allowPrivateSources: true,
      spoolDir: spool,
      store,
      log: (m) => logs.push(m),
    });
    const text = JSON.stringify({
      sessionId: "spool-1",
      streamerId: "st",
      source: { kind: "url", url: `file://${source}` },
      segmentSeconds: 2,
      audioChunkSeconds: 2,
    });
    const started = await fetch(`${rec.url}/sessions`, {
      method: "POST",
      headers: { [SIGNATURE_HEADER]: signRequest(SECRET, "POST", "/sessions", text) },
      body: text,
    });
    expect(started.status).toBe(201);
    const until = async (what: string, fn: () => boolean, ms = 60_000) => {
      const end = Date.now() + ms;
      while (!fn()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until("the first segment", () => received.some((m) => m.type === "segment.recorded"));
    fill(spool);
    await until("session.ended", () => received.some((m) => m.type === "session.ended"));

    const segs = received.filter((m): m is TSegmentRecorded => m.type === "segment.recorded");
    const [ended] = received.filter((m): m is TSessionEnded => m.type === "session.ended");
    // Stopped early, visibly, with the reason the app puts on the streamer.
    expect(ended).toMatchObject({ sessionId: "spool-1", reason: "failed", segments: segs.length });
    expect(ended.message).toMatch(/^Recording stopped: the recorder's spool disk is full \(.*\)\. Free space/);
    expect(segs.reduce((n, s) => n + s.duration, 0)).toBeLessThan(19);
    // Nothing dropped: numbered without a gap, the last one final, and every stored segment announced.
    expect(segs.map((s) => s.number)).toEqual(segs.map((_, i) => i));
    expect(segs.at(-1)!.final).toBe(true);
    for (const s of segs) expect((await store.stat(s.storageKey))?.size).toBe(s.sizeBytes);
    const stored = (await store.list("sessions/spool-1/segments/")).map((b) => b.key).sort();
    expect(stored).toEqual(segs.map((s) => s.storageKey).sort());
    expect(logs.some((l) => /\[spool-1\] spool disk full: stopping the recording/.test(l))).toBe(true);
    expect(rec.recordings.has("spool-1")).toBe(false);
    await rec.stop();
    await new Promise<void>((r) => app.close(() => r()));
  }, 120_000);
});
