/**
 * The live check's SSRF guard (issue 21.5): a "public" HLS host (127.0.0.1, public by the predicates below)
 * whose master playlist names a variant on a private one (127.0.0.2) is not probed there: ffprobe reaches
 * every URI through the guard proxy, which refuses the private address. The same master pointing to a public
 * variant is live through the proxy. Real ffmpeg-made HLS, real ffprobe.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostIsPrivate, isPrivateAddress } from "@/lib/net/private-address";

const PRIVATE = "127.0.0.2";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "source-live-"));
const hits: { host: string; url: string }[] = [];
let pub: http.Server;
let priv: http.Server;
let port = 0;

const opts = {
  isPrivateAddress: (ip: string) => ip === PRIVATE || (ip !== "127.0.0.1" && isPrivateAddress(ip)),
  isPrivateHost: async (host: string) => host === PRIVATE || (host !== "127.0.0.1" && (await hostIsPrivate(host))),
};

function serve(host: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    hits.push({ host, url: req.url ?? "" });
    const variant = (h: string) => `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=200000\nhttp://${h}:${port}/v/index.m3u8\n`;
    if (req.url === "/master-private.m3u8") return res.end(variant(PRIVATE));
    if (req.url === "/master-public.m3u8") return res.end(variant("127.0.0.1"));
    const file = path.join(tmp, (req.url ?? "").replace(/^\/v\//, ""));
    if (!req.url?.startsWith("/v/") || !fs.existsSync(file)) return res.writeHead(404).end();
    res.end(fs.readFileSync(file));
  });
  return new Promise((r) => server.listen(port, host, () => r(server)));
}

beforeAll(async () => {
  execFileSync("ffmpeg", [
    ...["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-c:a", "aac"],
    ...["-f", "hls", "-hls_time", "2", "-hls_list_size", "0", path.join(tmp, "index.m3u8")],
  ]);
  process.env.ALLOW_PRIVATE_SOURCES = "false"; // read once, at the first import of lib/env
  pub = await serve("127.0.0.1");
  port = (pub.address() as AddressInfo).port;
  priv = await serve(PRIVATE);
});
afterAll(async () => {
  await Promise.all([pub, priv].map((s) => new Promise<void>((r) => s.close(() => r()))));
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("isSourceLive behind the SSRF guard", () => {
  it("a public master naming a private variant: ffprobe never reaches the private host", async () => {
    const { isSourceLive } = await import("./is-source-live");
    hits.length = 0;
    const r = await isSourceLive(`http://127.0.0.1:${port}/master-private.m3u8`, opts);
    expect(r.live).toBe(false);
    expect(hits.filter((h) => h.host === PRIVATE)).toEqual([]);
    expect(hits.some((h) => h.url === "/master-private.m3u8")).toBe(true);
  });

  it("the same master naming a public variant is live through the proxy", async () => {
    const { isSourceLive } = await import("./is-source-live");
    hits.length = 0;
    expect(await isSourceLive(`http://127.0.0.1:${port}/master-public.m3u8`, opts)).toEqual({ live: true });
    expect(hits.map((h) => h.url)).toContain("/v/index.m3u8");
  });

  it("an RTMP host on a private network is refused when the probe connects", async () => {
    const { isSourceLive } = await import("./is-source-live");
    expect(await isSourceLive(`rtmp://${PRIVATE}:1935/live/key`, opts)).toEqual({
      live: false,
      detail: "refused: the host is on a private network",
    });
  });
});
