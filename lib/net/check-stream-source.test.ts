import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkStreamSource, mp4IndexAtEnd } from "./check-stream-source";

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

/** Two real MP4 files of the same 2 s: index (moov) first (`+faststart`), and ffmpeg's default, index last. */
const mp4s: Record<string, Buffer> = {};

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mp4-index-"));
  for (const [name, flags] of [
    ["faststart", ["-movflags", "+faststart"]],
    ["index-last", []],
  ] as const) {
    const out = path.join(dir, `${name}.mp4`);
    execFileSync("ffmpeg", [
      ...["-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15:duration=2"],
      ...["-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:v", "libx264", "-c:a", "aac", ...flags, out],
    ]);
    mp4s[name] = fs.readFileSync(out);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  server = http.createServer((req, res) => {
    const body = bodies[req.url ?? ""];
    if (body) return res.writeHead(200, { "content-type": "application/vnd.apple.mpegurl" }).end(body);
    const mp4 = /^\/(faststart|index-last)(-ranges)?\.mp4$/.exec(req.url ?? "");
    if (mp4) {
      const headers = { "content-type": "video/mp4", ...(mp4[2] ? { "accept-ranges": "bytes" } : {}) };
      return res.writeHead(200, headers).end(mp4s[mp4[1]]);
    }
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

describe("checkStreamSource: an MP4 ffmpeg can read as it downloads", () => {
  it("finds where the index is from the top-level boxes", () => {
    expect(mp4IndexAtEnd(mp4s.faststart)).toBe(false);
    expect(mp4IndexAtEnd(mp4s["index-last"])).toBe(true);
    expect(mp4IndexAtEnd(Buffer.from("#EXTM3U\n"))).toBe(false);
    expect(mp4IndexAtEnd(mp4s["index-last"].subarray(0, 20))).toBe(false); // cut before either box
  });

  it.each([
    ["index first, no byte ranges", "/faststart.mp4", true],
    ["index last, byte ranges", "/index-last-ranges.mp4", true],
    ["index last, no byte ranges", "/index-last.mp4", false],
  ])("%s → readable: %s", async (_name, p, ok) => {
    const checked = await checkStreamSource(`${base}${p}`, { isPrivate: publicHost });
    if (ok) expect(checked).toEqual({ ok: true, url: `${base}${p}`, finite: true });
    else
      expect(checked).toEqual({
        ok: true,
        url: `${base}${p}`,
        finite: true,
        unreadable:
          "the file's index (moov) is at its end and its host does not serve byte ranges, so it cannot be read " +
          "as it downloads; download it and upload the file instead, or serve it with byte ranges",
      });
  });
});
