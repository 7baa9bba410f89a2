import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TStartRecording } from "@/lib/recorder/protocol";
import { SIGNATURE_HEADER, signBody, signRequest } from "@/lib/signing";
import { recorderCallSigned } from "@/test/fixtures/recorder-signature";
import { createLocalStore } from "@/lib/storage/local-store";
import { startRecorder, type TRecorder } from "./server";

/**
 * App → recorder control calls: every request is signed over method, path, body, time and a nonce, and
 * each signature is accepted once (also across a recorder restart). Unsigned, tampered, re-targeted,
 * stale and replayed requests → 401 in the error shape, and nothing changes (no recording started or stopped).
 */
const SECRET = "recorder-control-secret-12345";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recorder-auth-"));
const source = path.join(tmp, "source.mp4");
const spool = path.join(tmp, "spool");
const store = createLocalStore(path.join(tmp, "blobs"));
let app: http.Server;
let appUrl = "";
let rec: TRecorder;

const startReq = (sessionId: string): TStartRecording => ({
  sessionId,
  streamerId: "st",
  source: { kind: "url", url: `file://${source}` },
  segmentSeconds: 2,
});
const start = () =>
  startRecorder({ port: 0, appUrl, secret: SECRET, spoolDir: spool, store, allowPrivateSources: false, log: () => {} });

async function send(method: string, p: string, body: string, sig?: string) {
  const res = await fetch(`${rec.url}${p}`, {
    method,
    headers: sig ? { [SIGNATURE_HEADER]: sig } : {},
    body: method === "GET" ? undefined : body,
  });
  return { status: res.status, body: await res.json() };
}

/** What the recorder is doing: its sessions (id + status) as its own signed list reports them. */
async function snapshot() {
  const res = await send("GET", "/sessions", "", signRequest(SECRET, "GET", "/sessions", ""));
  return (res.body as { sessions: { sessionId: string; status: string }[] }).sessions
    .map((s) => `${s.sessionId}:${s.status === "ended" ? "ended" : "live"}`)
    .sort();
}

beforeAll(async () => {
  // 30 s source read at its own pace (-re): the session stays live for the whole test.
  execFileSync("ffmpeg", [
    "-hide_banner",
    "-loglevel",
    "error",
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=160x90:rate=10:duration=30",
    "-f",
    "lavfi",
    "-i",
    "sine=duration=30",
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-c:a",
    "aac",
    "-shortest",
    source,
  ]);
  app = http.createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    if (!recorderCallSigned(SECRET, req, body)) return res.writeHead(401).end();
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(req.url === "/api/recorder/sessions" ? '{"sessions":[]}' : "{}");
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  rec = await start();
});
afterAll(async () => {
  await rec?.stop();
  await new Promise<void>((r) => app.close(() => r()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("recorder control API authentication", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const live = JSON.stringify(startReq("s-live"));
  const other = JSON.stringify(startReq("s-other"));
  const cases: {
    name: string;
    method: string;
    path: string;
    body: string;
    sig: () => string | undefined;
    reason: string;
  }[] = [
    { name: "unsigned start", method: "POST", path: "/sessions", body: other, sig: () => undefined, reason: "missing" },
    {
      name: "unsigned stop",
      method: "DELETE",
      path: "/sessions/s-live",
      body: "",
      sig: () => undefined,
      reason: "missing",
    },
    {
      name: "webhook-style signature (no nonce, no method/path)",
      method: "POST",
      path: "/sessions",
      body: other,
      sig: () => signBody(SECRET, other),
      reason: "malformed",
    },
    {
      name: "garbage header",
      method: "POST",
      path: "/sessions",
      body: other,
      sig: () => "t=1,n=zz,v1=zz",
      reason: "malformed",
    },
    {
      name: "other key",
      method: "POST",
      path: "/sessions",
      body: other,
      sig: () => signRequest("another-secret-abcdefgh", "POST", "/sessions", other),
      reason: "mismatch",
    },
    {
      name: "tampered body",
      method: "POST",
      path: "/sessions",
      body: other,
      sig: () => signRequest(SECRET, "POST", "/sessions", live),
      reason: "mismatch",
    },
    {
      name: "stop signed for another session",
      method: "DELETE",
      path: "/sessions/s-live",
      body: "",
      sig: () => signRequest(SECRET, "DELETE", "/sessions/s-gone", ""),
      reason: "mismatch",
    },
    {
      name: "a list (GET) signature used to stop",
      method: "DELETE",
      path: "/sessions/s-live",
      body: "",
      sig: () => signRequest(SECRET, "GET", "/sessions", ""),
      reason: "mismatch",
    },
    {
      name: "re-stamped timestamp",
      method: "POST",
      path: "/sessions",
      body: other,
      sig: () => signRequest(SECRET, "POST", "/sessions", other, now() - 20).replace(/^t=\d+/, `t=${now()}`),
      reason: "mismatch",
    },
    {
      name: "stale (6 min old)",
      method: "DELETE",
      path: "/sessions/s-live",
      body: "",
      sig: () => signRequest(SECRET, "DELETE", "/sessions/s-live", "", now() - 360),
      reason: "stale",
    },
    {
      name: "from the future (6 min)",
      method: "DELETE",
      path: "/sessions/s-live",
      body: "",
      sig: () => signRequest(SECRET, "DELETE", "/sessions/s-live", "", now() + 360),
      reason: "stale",
    },
  ];

  it("a signed start is accepted once; the same request again is a replay", async () => {
    const sig = signRequest(SECRET, "POST", "/sessions", live);
    expect((await send("POST", "/sessions", live, sig)).status).toBe(201);
    expect(await snapshot()).toEqual(["s-live:live"]);
    expect(await send("POST", "/sessions", live, sig)).toEqual({
      status: 401,
      body: { error: { code: "unauthorized", message: "Invalid signature (replayed)." } },
    });
    expect(await snapshot()).toEqual(["s-live:live"]);
  });

  it.each(cases)("$name → 401 ($reason), nothing changes", async (c) => {
    const before = await snapshot();
    expect(await send(c.method, c.path, c.body, c.sig())).toEqual({
      status: 401,
      body: { error: { code: "unauthorized", message: `Invalid signature (${c.reason}).` } },
    });
    expect(await snapshot()).toEqual(before);
    expect(before).toEqual(["s-live:live"]);
  });

  it("a stop accepted before a restart cannot be replayed against the restarted recorder", async () => {
    const stopGone = signRequest(SECRET, "DELETE", "/sessions/s-gone", "");
    expect((await send("DELETE", "/sessions/s-gone", "", stopGone)).status).toBe(404);
    await rec.stop();
    rec = await start();
    expect(await send("DELETE", "/sessions/s-gone", "", stopGone)).toEqual({
      status: 401,
      body: { error: { code: "unauthorized", message: "Invalid signature (replayed)." } },
    });
    // A freshly signed stop of the live session still works.
    const sig = signRequest(SECRET, "POST", "/sessions", live);
    expect((await send("POST", "/sessions", live, sig)).status).toBeLessThan(300);
    const stop = signRequest(SECRET, "DELETE", "/sessions/s-live", "");
    expect((await send("DELETE", "/sessions/s-live", "", stop)).status).toBe(202);
    expect(await send("DELETE", "/sessions/s-live", "", stop)).toEqual({
      status: 401,
      body: { error: { code: "unauthorized", message: "Invalid signature (replayed)." } },
    });
  });
});
