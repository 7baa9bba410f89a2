import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostIsPrivate, isPrivateAddress } from "@/lib/net/private-address";
import type { TRecorderWebhook, TSessionEnded, TStartRecording } from "@/lib/recorder/protocol";
import { SIGNATURE_HEADER, signRequest } from "@/lib/signing";
import { recorderCallSigned } from "@/test/fixtures/recorder-signature";
import { createLocalStore } from "@/lib/storage/local-store";
import { startRecorder, type TRecorder } from "./server";

/**
 * The recorder's SSRF guard with real ffmpeg. A "public" stream host listens on 127.0.0.2 (the predicates
 * below treat exactly that address as public, everything else by lib/net's real rules); a "private"
 * service listens on 127.0.0.1 and counts every request it gets. Redirects and playlists point at it, at
 * 169.254.169.254 (cloud metadata) and at 10.x. None of them may ever be requested.
 */
const SECRET = "recorder-ssrf-test-secret-123";
const PUBLIC = "127.0.0.2";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recorder-ssrf-"));
const hlsDir = path.join(tmp, "hls");
const privateHits: string[] = [];
let priv: http.Server;
let pub: http.Server;
let app: http.Server;
let privBase = "";
let pubBase = "";
let appUrl = "";
const received: TRecorderWebhook[] = [];
let recorder: TRecorder;
const logs: string[] = [];

function listen(server: http.Server, host: string) {
  return new Promise<string>((r) =>
    server.listen(0, host, () => r(`http://${host}:${(server.address() as AddressInfo).port}`)),
  );
}

beforeAll(async () => {
  fs.mkdirSync(hlsDir, { recursive: true });
  // 6 s of real HLS (3 × 2 s segments, ENDLIST) for the positive control.
  execFileSync("ffmpeg", [
    "-hide_banner",
    "-loglevel",
    "error",
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=160x90:rate=10:duration=6",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:sample_rate=44100:duration=6",
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-g",
    "10",
    "-c:a",
    "aac",
    "-shortest",
    "-f",
    "hls",
    "-hls_time",
    "2",
    "-hls_playlist_type",
    "vod",
    "-hls_segment_filename",
    path.join(hlsDir, "seg%d.ts"),
    path.join(hlsDir, "ok.m3u8"),
  ]);
  priv = http.createServer((req, res) => {
    privateHits.push(req.url ?? "");
    const file = path.join(hlsDir, path.basename(req.url ?? ""));
    if (fs.existsSync(file)) return res.writeHead(200).end(fs.readFileSync(file));
    res.writeHead(200).end("#EXTM3U\n");
  });
  privBase = await listen(priv, "127.0.0.1");
  const media = (segBase: string) =>
    fs.readFileSync(path.join(hlsDir, "ok.m3u8"), "utf8").replace(/^seg/gm, `${segBase}/seg`);
  const master = (variant: string) => `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=200000\n${variant}\n`;
  pub = http.createServer((req, res) => {
    const routes: Record<string, () => void> = {
      "/redirect-loopback.m3u8": () => res.writeHead(302, { location: `${privBase}/ok.m3u8` }).end(),
      "/redirect-metadata.m3u8": () =>
        res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end(),
      "/redirect-ten.m3u8": () => res.writeHead(301, { location: "http://10.0.0.7/live.m3u8" }).end(),
      "/hop.m3u8": () => res.writeHead(302, { location: "/redirect-loopback.m3u8" }).end(),
      "/segments-loopback.m3u8": () => res.writeHead(200).end(media(privBase)),
      "/segments-metadata.m3u8": () => res.writeHead(200).end(media("http://169.254.169.254")),
      "/key-loopback.m3u8": () =>
        res
          .writeHead(200)
          .end(media(pubBase).replace("#EXTINF", `#EXT-X-KEY:METHOD=AES-128,URI="${privBase}/key"\n#EXTINF`)),
      "/master-ten.m3u8": () => res.writeHead(200).end(master("http://10.1.2.3/variant.m3u8")),
      "/master-nested.m3u8": () => res.writeHead(200).end(master("/segments-metadata.m3u8")),
      "/master-ok.m3u8": () => res.writeHead(200).end(master("/ok.m3u8")),
      // Passes the pre-flight (every URI is on the public host), then a segment redirects to loopback:
      // only the guard proxy, which ffmpeg's requests go through, can refuse that hop.
      "/late-redirect.m3u8": () => res.writeHead(200).end(media(pubBase).replace("seg1.ts", "bounce.ts")),
      "/bounce.ts": () => res.writeHead(302, { location: `${privBase}/seg1.ts` }).end(),
    };
    const route = routes[req.url ?? ""];
    if (route) return route();
    const file = path.join(hlsDir, path.basename(req.url ?? ""));
    if (fs.existsSync(file)) return res.writeHead(200).end(fs.readFileSync(file));
    res.writeHead(404).end();
  });
  pubBase = await listen(pub, PUBLIC);
  app = http.createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    if (!recorderCallSigned(SECRET, req, body)) return res.writeHead(401).end();
    if (req.url === "/api/recorder/sessions")
      return res.writeHead(200, { "content-type": "application/json" }).end('{"sessions":[]}');
    received.push(JSON.parse(body));
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  appUrl = await listen(app, "127.0.0.1");
  recorder = await startRecorder({
    port: 0,
    appUrl,
    secret: SECRET,
    spoolDir: path.join(tmp, "spool"),
    store: createLocalStore(path.join(tmp, "blobs")),
    reconnectGraceSeconds: 0,
    allowPrivateSources: false,
    isPrivateAddress: (ip) => ip !== PUBLIC && isPrivateAddress(ip),
    isPrivateHost: async (host) => host !== PUBLIC && (await hostIsPrivate(host)),
    log: (m) => logs.push(m),
  });
});

afterAll(async () => {
  await recorder?.stop();
  await Promise.all([priv, pub, app].map((s) => new Promise<void>((r) => (s ? s.close(() => r()) : r()))));
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function record(sessionId: string, p: string): Promise<{ ended: TSessionEnded; segments: number }> {
  const req: TStartRecording = {
    sessionId,
    streamerId: "st",
    source: { kind: "url", url: `${pubBase}${p}` },
    segmentSeconds: 2,
  };
  const text = JSON.stringify(req);
  const res = await fetch(`${recorder.url}/sessions`, {
    method: "POST",
    headers: { [SIGNATURE_HEADER]: signRequest(SECRET, "POST", "/sessions", text) },
    body: text,
  });
  expect(res.status).toBe(201);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ended = received.find((m): m is TSessionEnded => m.type === "session.ended" && m.sessionId === sessionId);
    if (ended)
      return {
        ended,
        segments: received.filter((m) => m.type === "segment.recorded" && m.sessionId === sessionId).length,
      };
    if (Date.now() > deadline) throw new Error(`session ${sessionId} did not end`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("recorder SSRF guard (ALLOW_PRIVATE_SOURCES off)", () => {
  const cases: { name: string; path: string; message: string | RegExp }[] = [
    {
      name: "redirect to loopback",
      path: "/redirect-loopback.m3u8",
      message: "refused: it redirects to a private network address (127.0.0.1:PRIV)",
    },
    {
      name: "redirect to cloud metadata",
      path: "/redirect-metadata.m3u8",
      message: "refused: it redirects to a private network address (169.254.169.254)",
    },
    {
      name: "redirect to 10.x",
      path: "/redirect-ten.m3u8",
      message: "refused: it redirects to a private network address (10.0.0.7)",
    },
    {
      name: "two hops, then loopback",
      path: "/hop.m3u8",
      message: "refused: it redirects to a private network address (127.0.0.1:PRIV)",
    },
    {
      name: "media playlist with loopback segments",
      path: "/segments-loopback.m3u8",
      message: "refused: the playlist references a private network address (127.0.0.1:PRIV)",
    },
    {
      name: "media playlist with metadata segments",
      path: "/segments-metadata.m3u8",
      message: "refused: the playlist references a private network address (169.254.169.254)",
    },
    {
      name: "encryption key on loopback",
      path: "/key-loopback.m3u8",
      message: "refused: the playlist references a private network address (127.0.0.1:PRIV)",
    },
    {
      name: "master with a 10.x variant",
      path: "/master-ten.m3u8",
      message: "refused: the playlist references a private network address (10.1.2.3)",
    },
    {
      name: "master whose public variant lists metadata segments",
      path: "/master-nested.m3u8",
      message: `refused: variant playlist PUB/segments-metadata.m3u8: the playlist references a private network address (169.254.169.254)`,
    },
  ];

  it.each(cases)("$name → session ends as failed, refused, nothing recorded", async (c) => {
    const before = privateHits.length;
    const { ended, segments } = await record(`ssrf-${cases.indexOf(c)}`, c.path);
    const message =
      typeof c.message === "string"
        ? c.message.replace("PRIV", new URL(privBase).port).replace("PUB", pubBase)
        : c.message;
    expect(ended).toEqual({
      type: "session.ended",
      sessionId: `ssrf-${cases.indexOf(c)}`,
      reason: "failed",
      segments: 0,
      message,
    });
    expect(segments).toBe(0);
    expect(privateHits.length).toBe(before);
  });

  it("a segment that redirects to loopback after the pre-flight is refused by the guard proxy", async () => {
    const before = privateHits.length;
    await record("ssrf-late", "/late-redirect.m3u8");
    expect(privateHits.length).toBe(before);
    expect(logs.filter((l) => l.includes("refused a request to 127.0.0.1"))).not.toEqual([]);
  });

  it.each(["/ok.m3u8", "/master-ok.m3u8"])(
    "a public HLS source (%s) is recorded through the guard proxy",
    async (p) => {
      const before = privateHits.length;
      const { ended, segments } = await record(`ok-${p.slice(1, 3)}`, p);
      expect(ended.reason).toBe("source_ended");
      expect(segments).toBeGreaterThanOrEqual(2);
      expect(privateHits.length).toBe(before);
    },
  );
});

describe("guard proxy CONNECT (how ffmpeg tunnels HTTPS)", () => {
  it.each([
    ["127.0.0.1", 403],
    ["169.254.169.254", 403],
    ["10.0.0.7", 403],
    [PUBLIC, 200],
  ])("CONNECT %s → %i", async (host, status) => {
    const { startGuardProxy } = await import("@/lib/net/guard-proxy");
    const proxy = await startGuardProxy({ isPrivate: (ip) => ip !== PUBLIC && isPrivateAddress(ip) });
    const port = host === PUBLIC ? new URL(pubBase).port : "443";
    const before = privateHits.length;
    const got = await new Promise<number>((resolve, reject) => {
      const req = http.request(proxy.url, { method: "CONNECT", path: `${host}:${port}` });
      req.on("connect", (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    await proxy.close();
    expect(got).toBe(status);
    expect(proxy.refused).toEqual(status === 403 ? [host] : []);
    expect(privateHits.length).toBe(before);
  });
});
