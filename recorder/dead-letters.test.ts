/**
 * The recorder's dead letters through its signed control API: a webhook the app refuses (422) is set aside
 * with its reason and listed; once the app takes it again, a re-drive delivers it. Unsigned calls get 401.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, signRequest } from "@/lib/signing";
import { createLocalStore } from "@/lib/storage/local-store";
import { startRecorder } from "./server";

const SECRET = "recorder-dead-letter-secret-123";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recorder-dead-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("recorder dead letters", () => {
  it("lists a refused webhook with its reason, and re-drives it once the app takes it", async () => {
    let refuse = true;
    const received: { type: string; sessionId: string }[] = [];
    const app = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      if (refuse) {
        return res
          .writeHead(422, { "content-type": "application/json" })
          .end('{"error":{"code":"invalid_input","message":"reason: unknown"}}');
      }
      try {
        received.push(JSON.parse(Buffer.concat(chunks).toString()) as { type: string; sessionId: string });
      } catch {
        return res.destroy(); // an attempt aborted mid-body by stop()
      }
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
    const rec = await startRecorder({
      port: 0,
      appUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
      secret: SECRET,
      spoolDir: path.join(tmp, "spool"),
      store: createLocalStore(path.join(tmp, "blobs")),
      allowPrivateSources: false,
      log: () => {},
    });
    const call = async (method: string, p: string, body = "", signed = true) => {
      const res = await fetch(`${rec.url}${p}`, {
        method,
        headers: signed ? { [SIGNATURE_HEADER]: signRequest(SECRET, method, p, body) } : {},
        body: method === "GET" ? undefined : body,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    // A source on a private address is refused: the session ends at once, and its session.ended is refused.
    const started = await call(
      "POST",
      "/sessions",
      JSON.stringify({
        sessionId: "dl1",
        streamerId: "st",
        source: { kind: "url", url: "http://127.0.0.1:9/live.m3u8" },
        segmentSeconds: 4,
      }),
    );
    expect(started.status).toBeLessThan(300);
    let dead: { sessionId: string; type: string; reason: string; file: string }[] = [];
    for (const end = Date.now() + 20_000; !dead.length; await new Promise((r) => setTimeout(r, 200))) {
      if (Date.now() > end) throw new Error("nothing was dead-lettered");
      dead = (await call("GET", "/outbox/dead")).body.deadLetters as typeof dead;
    }
    expect(dead).toEqual([
      expect.objectContaining({
        sessionId: "dl1",
        type: "session.ended",
        reason: 'answered 422: {"error":{"code":"invalid_input","message":"reason: unknown"}}',
      }),
    ]);
    expect((await call("GET", "/outbox/dead", "", false)).status).toBe(401);
    expect((await call("POST", "/outbox/redrive", "{}", false)).status).toBe(401);
    expect(await call("POST", "/outbox/redrive", '{"files":"all"}')).toMatchObject({ status: 422 });

    refuse = false;
    expect(await call("POST", "/outbox/redrive", JSON.stringify({ files: [dead[0].file] }))).toEqual({
      status: 200,
      body: { redriven: 1 },
    });
    for (const end = Date.now() + 20_000; !received.length; await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > end) throw new Error("the re-driven message never arrived");
    }
    expect(received.map((m) => [m.type, m.sessionId])).toEqual([["session.ended", "dl1"]]);
    expect((await call("GET", "/outbox/dead")).body.deadLetters).toEqual([]);
    await rec.stop();
    await new Promise<void>((r) => app.close(() => r()));
  });
});
