import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkStreamSource } from "./check-stream-source";

/**
 * Whether a source is a recording that ends (`finite`): a local HTTP server plays a stream host serving live
 * and finished HLS playlists, a master whose variant has ended, and progressive media.
 */
let server: http.Server;
let base = "";
const seg = "#EXTINF:2.0,\nseg0.ts\n#EXTINF:2.0,\nseg1.ts\n";
const bodies: Record<string, string> = {
  "/live.m3u8": `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:40\n${seg}`,
  "/vod.m3u8": `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n${seg}#EXT-X-ENDLIST\n`,
  "/master-live.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nlive.m3u8\n",
  "/master-vod.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nvod.m3u8\n",
};
const publicHost = async () => false;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const body = bodies[req.url ?? ""];
    if (body) return res.writeHead(200, { "content-type": "application/vnd.apple.mpegurl" }).end(body);
    res.writeHead(200, { "content-type": "video/mp4" }).end(Buffer.alloc(64));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("checkStreamSource: finite", () => {
  it.each([
    ["a live HLS playlist", "/live.m3u8", false],
    ["an HLS playlist that has ended (#EXT-X-ENDLIST)", "/vod.m3u8", true],
    ["a master whose variant is live", "/master-live.m3u8", false],
    ["a master whose variant has ended", "/master-vod.m3u8", true],
    ["an .mp4 file", "/talk.mp4", true],
    ["a .webm file", "/talk.WEBM", true],
    ["MPEG-TS served over HTTP (may be a live feed)", "/feed.ts", false],
  ])("%s → %s", async (_name, p, finite) => {
    expect(await checkStreamSource(`${base}${p}`, { isPrivate: publicHost })).toEqual({
      ok: true,
      url: `${base}${p}`,
      finite,
    });
  });

  it("RTMP is live", async () => {
    expect(await checkStreamSource("rtmp://203.0.113.9/live/key", { isPrivate: publicHost })).toEqual({
      ok: true,
      url: "rtmp://203.0.113.9/live/key",
      finite: false,
    });
  });
});
