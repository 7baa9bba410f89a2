import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRedirects } from "./check-redirects";

/**
 * A local HTTP server plays a "public" stream host (127.0.0.1, treated as public by the predicate below)
 * whose URLs redirect elsewhere; "localhost" plays the private network. The real predicate is used in the
 * last cases (loopback refused before any request is made).
 */
let server: http.Server;
let base = "";
const hits: string[] = [];
const onlyLocalhostIsPrivate = async (host: string) => host === "localhost";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    const port = (server.address() as AddressInfo).port;
    const to: Record<string, string> = {
      "/to-private.m3u8": `http://localhost:${port}/internal`,
      "/to-file.m3u8": "file:///etc/passwd",
      "/hop1.m3u8": "/hop2.m3u8",
      "/hop2.m3u8": "/live.m3u8",
      "/loop.m3u8": "/loop.m3u8",
    };
    if (to[req.url ?? ""]) return res.writeHead(302, { location: to[req.url!] }).end();
    res.writeHead(200, { "content-type": "application/vnd.apple.mpegurl" }).end("#EXTM3U\n");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("checkRedirects", () => {
  it.each([
    ["/live.m3u8", { ok: true, url: "/live.m3u8" }],
    ["/hop1.m3u8", { ok: true, url: "/live.m3u8" }],
    ["/to-private.m3u8", { ok: false, reason: "it redirects to a private network address (localhost:PORT)" }],
    ["/to-file.m3u8", { ok: false, reason: "it redirects to an unsupported protocol (file:)" }],
    ["/loop.m3u8", { ok: false, reason: "too many redirects" }],
  ])("%s", async (p, expected) => {
    const port = new URL(base).port;
    const out = await checkRedirects(`${base}${p}`, { isPrivate: onlyLocalhostIsPrivate });
    const want =
      "url" in expected
        ? { ...expected, url: `${base}${expected.url}` }
        : { ...expected, reason: expected.reason.replace("PORT", port) };
    expect(out).toEqual(want);
  });

  it("never requests the private target", async () => {
    hits.length = 0;
    await checkRedirects(`${base}/to-private.m3u8`, { isPrivate: onlyLocalhostIsPrivate });
    expect(hits).toEqual(["/to-private.m3u8"]);
  });

  it("with the real predicate, a loopback source is refused before any request", async () => {
    hits.length = 0;
    expect(await checkRedirects(`${base}/live.m3u8`)).toEqual({
      ok: false,
      reason: "the host is on a private network",
    });
    expect(hits).toEqual([]);
  });

  it("is wired into the live check: ffprobe never sees a refused source", async () => {
    process.env.ALLOW_PRIVATE_SOURCES = "false"; // read once, at the first import of lib/env (below)
    const { isSourceLive } = await import("@/lib/live/is-source-live");
    hits.length = 0;
    expect(await isSourceLive(`${base}/to-private.m3u8`)).toEqual({
      live: false,
      detail: "refused: the host is on a private network",
    });
    expect(hits).toEqual([]);
  });
});
