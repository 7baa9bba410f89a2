import { spawn } from "node:child_process";
import { env } from "@/lib/env";

export type TFrame = { t: number; rgb: Uint8Array };

/**
 * Decodes `file` at `fps` frames a second, scaled to `width`×`height`, as raw RGB frames with their times
 * (clip seconds), one at a time as ffmpeg produces them: a minute of video is never held in memory at once.
 */
export async function* sampleFrames(
  file: string,
  o: { fps: number; width: number; height: number },
): AsyncGenerator<TFrame> {
  const size = o.width * o.height * 3;
  const child = spawn(
    env.FFMPEG_PATH,
    [
      ...["-hide_banner", "-nostdin", "-loglevel", "error", "-i", file],
      ...["-an", "-vf", `fps=${o.fps}:round=up,scale=${o.width}:${o.height}:flags=bilinear`],
      ...["-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= size) {
        yield { t: index++ / o.fps, rgb: new Uint8Array(pending.subarray(0, size)) };
        pending = pending.subarray(size);
      }
    }
    const code = await exited;
    if (code !== 0) throw new Error(`ffmpeg exited with code ${code} sampling frames: ${stderr.trim()}`);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}
