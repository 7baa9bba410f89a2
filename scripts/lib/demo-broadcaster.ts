import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { startChild, type TChild } from "./processes";

/**
 * A stand-in live streamer on this machine: ffmpeg plays a sample file in real time, looped, as a live HLS
 * stream, served over HTTP — so the demo exercises the same path as a real HLS source.
 */
export async function startDemoBroadcaster(opts: {
  sample: string;
  dir: string;
  port: number;
  env: NodeJS.ProcessEnv;
  quiet?: boolean;
}) {
  fs.rmSync(opts.dir, { recursive: true, force: true });
  fs.mkdirSync(opts.dir, { recursive: true });
  const ffmpeg: TChild = startChild(
    "demo",
    opts.env.FFMPEG_PATH ?? "ffmpeg",
    [
      "-hide_banner",
      "-loglevel",
      "error",
      "-re",
      "-stream_loop",
      "-1",
      "-i",
      opts.sample,
      "-c",
      "copy",
      "-f",
      "hls",
      "-hls_time",
      "2",
      "-hls_list_size",
      "8",
      "-hls_flags",
      "delete_segments+omit_endlist",
      path.join(opts.dir, "stream.m3u8"),
    ],
    opts.env,
    { quiet: opts.quiet },
  );
  const server = http.createServer((req, res) => {
    const name = path.basename(new URL(req.url ?? "/", "http://x").pathname);
    const file = path.join(opts.dir, name);
    if (!/^[\w.-]+\.(m3u8|ts)$/.test(name) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "content-type": name.endsWith(".m3u8") ? "application/vnd.apple.mpegurl" : "video/mp2t",
      "cache-control": "no-store",
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(opts.port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${opts.port}/stream.m3u8`,
    ffmpeg,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
