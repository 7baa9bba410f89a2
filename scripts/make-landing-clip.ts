/**
 * Makes the demo clip on the landing page (public/demo/clip.mp4 + poster.jpg) from the same synthetic stream
 * the demo streamer plays: the excited passage with a few seconds of calm talk around it, cut where the
 * offline detector cuts it. Run once when the sample stream changes: `tsx scripts/make-landing-clip.ts`.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { makeSampleStream } from "../lib/media/sample-stream";
import { runTool } from "../lib/media/run";

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "landing-clip-"));
  const out = path.resolve("public/demo");
  await fs.mkdir(out, { recursive: true });
  try {
    const sample = path.join(dir, "sample.mp4");
    const s = await makeSampleStream({ out: sample, seconds: 26, excitedAt: 8, fps: 24 });
    const start = s.excitedStart - 3;
    const end = s.excitedEnd + 3;
    await runTool("ffmpeg", [
      "-hide_banner",
      "-nostdin",
      "-loglevel",
      "error",
      "-y",
      "-ss",
      String(start),
      "-to",
      String(end),
      "-i",
      sample,
      "-c:v",
      "libx264",
      "-preset",
      "slow",
      "-crf",
      "30",
      "-pix_fmt",
      "yuv420p",
      "-c:a",
      "aac",
      "-b:a",
      "64k",
      "-movflags",
      "+faststart",
      path.join(out, "clip.mp4"),
    ]);
    await runTool("ffmpeg", [
      "-hide_banner",
      "-nostdin",
      "-loglevel",
      "error",
      "-y",
      "-ss",
      String(s.excitedStart - start + 1),
      "-i",
      path.join(out, "clip.mp4"),
      "-frames:v",
      "1",
      "-q:v",
      "5",
      path.join(out, "poster.jpg"),
    ]);
    console.log(JSON.stringify({ clip: "public/demo/clip.mp4", seconds: Math.round((end - start) * 10) / 10 }));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
