import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SIGNATURE_HEADER } from "@/lib/signing";
import { createOutbox } from "./outbox";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "outbox-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The app's answers, in order; then 200. Records the signature of every attempt. */
async function app(answers: { status: number; body: unknown }[]) {
  const signatures: string[] = [];
  const server = http.createServer(async (req, res) => {
    for await (const _ of req);
    signatures.push(String(req.headers[SIGNATURE_HEADER]));
    const a = answers.shift() ?? { status: 200, body: { ok: true } };
    res.writeHead(a.status, { "content-type": "application/json" }).end(JSON.stringify(a.body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/recorder`,
    signatures,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const until = async (fn: () => boolean) => {
  const end = Date.now() + 20_000;
  while (!fn()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("outbox and the app's replay protection", () => {
  it("an attempt refused as a replay (its signature was already accepted) is re-signed and resent, not dropped", async () => {
    const a = await app([
      { status: 401, body: { error: { code: "unauthorized", message: "Invalid webhook signature (replayed)." } } },
    ]);
    const dir = path.join(tmp, "replayed");
    const outbox = createOutbox({
      dir,
      url: a.url,
      secret: "outbox-test-secret-0123",
      log: () => {},
      maxBackoffMs: 1100,
    });
    outbox.enqueue({ type: "session.ended", sessionId: "s", reason: "stopped", segments: 0 });
    await until(() => outbox.size() === 0);
    await outbox.stop();
    expect(a.signatures).toHaveLength(2);
    expect(fs.readdirSync(path.join(dir, "dead"))).toEqual([]);
    await a.close();
  });

  it("another 401 (a clock off, say) is retried a bounded number of times, then dead-lettered with its reason; re-driven, it is delivered", async () => {
    const refused = {
      status: 401,
      body: { error: { code: "unauthorized", message: "Invalid webhook signature (stale)." } },
    };
    const a = await app([refused, refused, refused]);
    const dir = path.join(tmp, "mismatch");
    const outbox = createOutbox({
      dir,
      url: a.url,
      secret: "outbox-test-secret-0123",
      log: () => {},
      maxBackoffMs: 50,
      refusedAttempts: 3,
    });
    outbox.enqueue({ type: "session.ended", sessionId: "s", reason: "stopped", segments: 0 });
    await until(() => outbox.size() === 0);
    expect(a.signatures).toHaveLength(3);
    const [letter] = outbox.deadLetters();
    expect(letter).toMatchObject({ sessionId: "s", type: "session.ended" });
    expect(letter.reason).toMatch(/^answered 401: .*stale.*; gave up after 3 attempts$/);
    // The app is fixed: the operator re-drives it.
    expect(outbox.redrive()).toBe(1);
    await until(() => outbox.size() === 0 && a.signatures.length === 4);
    expect(outbox.deadLetters()).toEqual([]);
    await outbox.stop();
    await a.close();
  });

  it("a 404 during a deploy is retried; another 4xx is dead-lettered at once", async () => {
    const a = await app([
      { status: 404, body: {} },
      { status: 422, body: { error: { code: "invalid_input", message: "number: too big" } } },
    ]);
    const dir = path.join(tmp, "deploy");
    const outbox = createOutbox({
      dir,
      url: a.url,
      secret: "outbox-test-secret-0123",
      log: () => {},
      maxBackoffMs: 50,
    });
    outbox.enqueue({ type: "session.ended", sessionId: "s1", reason: "stopped", segments: 0 });
    await until(() => outbox.size() === 0);
    expect(a.signatures).toHaveLength(2);
    expect(outbox.deadLetters().map((d) => d.reason)).toEqual([
      'answered 422: {"error":{"code":"invalid_input","message":"number: too big"}}',
    ]);
    await outbox.stop();
    await a.close();
  });
});

describe("outbox ordering", () => {
  it("a message the app always fails blocks only its own session; each session's messages stay in order", async () => {
    const seen: { sessionId: string; n: number }[] = [];
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      let m: { sessionId: string; segments: number };
      try {
        m = JSON.parse(Buffer.concat(chunks).toString()) as typeof m;
      } catch {
        return res.destroy(); // an attempt aborted mid-body by stop()
      }
      if (m.sessionId === "poison") return res.writeHead(500).end("{}");
      seen.push({ sessionId: m.sessionId, n: m.segments });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/recorder`;
    const outbox = createOutbox({
      dir: path.join(tmp, "poison"),
      url,
      secret: "outbox-test-secret-0123",
      log: () => {},
      maxBackoffMs: 100,
    });
    // session.ended's `segments` numbers the messages here.
    outbox.enqueue({ type: "session.ended", sessionId: "poison", reason: "stopped", segments: 0 });
    for (let n = 0; n < 3; n++) {
      outbox.enqueue({ type: "session.ended", sessionId: "a", reason: "stopped", segments: n });
      outbox.enqueue({ type: "session.ended", sessionId: "b", reason: "stopped", segments: n });
    }
    outbox.enqueue({ type: "session.ended", sessionId: "poison", reason: "stopped", segments: 1 });
    await until(() => seen.length === 6);
    expect(seen.filter((x) => x.sessionId === "a").map((x) => x.n)).toEqual([0, 1, 2]);
    expect(seen.filter((x) => x.sessionId === "b").map((x) => x.n)).toEqual([0, 1, 2]);
    // The poison session's two messages wait, in order, behind its head; nothing was dead-lettered yet.
    expect(outbox.size()).toBe(2);
    expect(outbox.deadLetters()).toEqual([]);
    await outbox.stop();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("a session whose delivery the app answers slowly holds back no other session's messages", async () => {
    const seen: string[] = [];
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const m = JSON.parse(Buffer.concat(chunks).toString()) as { sessionId: string; segments: number };
      if (m.sessionId === "slow") await held; // a webhook the app takes long over
      seen.push(`${m.sessionId}/${m.segments}`);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/recorder`;
    const outbox = createOutbox({ dir: path.join(tmp, "slow"), url, secret: "outbox-test-secret-0123", log: () => {} });
    outbox.enqueue({ type: "session.ended", sessionId: "slow", reason: "stopped", segments: 0 });
    outbox.enqueue({ type: "session.ended", sessionId: "slow", reason: "stopped", segments: 1 });
    for (const s of ["a", "b", "c"])
      outbox.enqueue({ type: "session.ended", sessionId: s, reason: "stopped", segments: 0 });
    await until(() => seen.length === 3);
    expect(seen.sort()).toEqual(["a/0", "b/0", "c/0"]);
    // Messages enqueued while the slow one is in flight go too.
    outbox.enqueue({ type: "session.ended", sessionId: "a", reason: "stopped", segments: 1 });
    await until(() => seen.length === 4);
    expect(seen[3]).toBe("a/1");
    release();
    await until(() => outbox.size() === 0);
    expect(seen.slice(4)).toEqual(["slow/0", "slow/1"]);
    await outbox.stop();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("gives up on a message failing with 5xx past its age limit, and the session goes on", async () => {
    let calls = 0;
    const server = http.createServer(async (req, res) => {
      for await (const _ of req);
      calls++;
      res.writeHead(calls === 1 ? 503 : 200).end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/recorder`;
    const outbox = createOutbox({
      dir: path.join(tmp, "aged"),
      url,
      secret: "outbox-test-secret-0123",
      log: () => {},
      maxBackoffMs: 50,
      maxAgeMs: 0,
    });
    outbox.enqueue({ type: "session.ended", sessionId: "x", reason: "stopped", segments: 0 });
    outbox.enqueue({ type: "session.ended", sessionId: "x", reason: "stopped", segments: 1 });
    await until(() => outbox.size() === 0);
    expect(outbox.deadLetters().map((d) => d.reason)).toEqual(["answered 503: {}; gave up after 1 attempts"]);
    expect(calls).toBe(2); // the session's next message was delivered
    await outbox.stop();
    await new Promise<void>((r) => server.close(() => r()));
  });
});
