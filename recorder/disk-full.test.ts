/**
 * Fault: the blob store's disk fills up while a session is recording. Storing a segment fails with ENOSPC
 * (logged once, clearly); the recorder keeps the segments on its spool and retries, and when space returns
 * every segment is stored and announced, contiguous and in order. The store lives on a real tiny tmpfs
 * (as root); where mounting is not permitted, a local store that answers ENOSPC over its quota stands in.
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
import { recorderCallSigned } from "@/test/fixtures/recorder-signature";
import { createLocalStore } from "@/lib/storage/local-store";
import type { BlobStore } from "@/lib/storage/types";
import { startRecorder } from "./main";

const SECRET = "disk-full-test-secret-1234";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "disk-full-"));
const blobs = path.join(tmp, "blobs");
const source = path.join(tmp, "source.mp4");

/** A tiny tmpfs at `blobs` when we may mount, else null. */
function mountTinyTmpfs(): { grow(): void; unmount(): void } | null {
  fs.mkdirSync(blobs, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", blobs], { stdio: "ignore" });
  } catch {
    return null;
  }
  return {
    grow: () => execFileSync("mount", ["-o", "remount,size=64m", blobs]),
    unmount: () => execFileSync("umount", [blobs]),
  };
}

/** Fallback: the real local store, answering ENOSPC while `full` (as the kernel would). */
function quotaStore(inner: BlobStore, state: { full: boolean }): BlobStore {
  return {
    ...inner,
    async put(key, src, opts) {
      if (state.full)
        throw Object.assign(new Error(`ENOSPC: no space left on device, write '${key}'`), { code: "ENOSPC" });
      return inner.put(key, src, opts);
    },
  };
}

const tmpfs = mountTinyTmpfs();
afterAll(() => {
  tmpfs?.unmount();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("disk full while recording", () => {
  it("logs a clear ENOSPC error, keeps the segments, and stores and announces all of them once space returns", async () => {
    execFileSync("ffmpeg", [
      "-hide_banner",
      "-loglevel",
      "error",
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=320x180:rate=15:duration=9",
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:sample_rate=48000:duration=9",
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

    console.info(
      tmpfs ? "[disk-full] store on a real 16 KB tmpfs" : "[disk-full] mount not permitted: store answering ENOSPC",
    );
    const quota = { full: true };
    const local = createLocalStore(blobs);
    const store = tmpfs ? local : quotaStore(local, quota);
    const logs: string[] = [];
    const rec = await startRecorder({
      port: 0,
      appUrl,
      secret: SECRET,
      allowPrivateSources: true,
      spoolDir: path.join(tmp, "spool"),
      store,
      log: (m) => logs.push(m),
    });
    const text = JSON.stringify({
      sessionId: "full-1",
      streamerId: "st",
      source: { kind: "url", url: `file://${source}` },
      segmentSeconds: 3,
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
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    // The disk is full: the error is logged with its cause, and nothing is announced.
    await until("the storage failure to be logged", () =>
      logs.some((l) => /storing .* failed \(.*(ENOSPC|no space left)/i.test(l)),
    );
    expect(received.filter((m) => m.type === "segment.recorded")).toEqual([]);
    // Space returns.
    if (tmpfs) tmpfs.grow();
    else quota.full = false;
    await until("session.ended", () => received.some((m) => m.type === "session.ended"), 90_000);

    const segs = received.filter((m): m is TSegmentRecorded => m.type === "segment.recorded");
    expect(segs.map((s) => s.number)).toEqual(segs.map((_, i) => i));
    expect(segs.length).toBe(3);
    expect(Math.abs(segs.reduce((n, s) => n + s.duration, 0) - 9)).toBeLessThan(0.5);
    for (const s of segs) expect((await local.stat(s.storageKey))?.size).toBe(s.sizeBytes);
    expect(received.filter((m): m is TSessionEnded => m.type === "session.ended")).toEqual([
      {
        type: "session.ended",
        sessionId: "full-1",
        reason: "source_ended",
        message: "the source is a recording and it ended",
        segments: 3,
        finite: true,
      },
    ]);
    // The failure was logged once, not once per retry.
    expect(logs.filter((l) => /storing .* failed/.test(l)).length).toBeLessThanOrEqual(segs.length);
    await rec.stop();
    await new Promise<void>((r) => app.close(() => r()));
  }, 150_000);
});
