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

  it("any other 401 is final: the message goes to dead/", async () => {
    const a = await app([
      { status: 401, body: { error: { code: "unauthorized", message: "Invalid webhook signature (mismatch)." } } },
    ]);
    const dir = path.join(tmp, "mismatch");
    const outbox = createOutbox({ dir, url: a.url, secret: "outbox-test-secret-0123", log: () => {} });
    outbox.enqueue({ type: "session.ended", sessionId: "s", reason: "stopped", segments: 0 });
    await until(() => outbox.size() === 0);
    await outbox.stop();
    expect(a.signatures).toHaveLength(1);
    expect(fs.readdirSync(path.join(dir, "dead"))).toHaveLength(1);
    await a.close();
  });
});
