import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { probeMedia } from "./probe-media";
import { runFfmpegWithProgress } from "./run-with-progress";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "progress-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("runFfmpegWithProgress", () => {
  it("reports rising fractions of the output duration from ffmpeg -progress, ending near 1", async () => {
    const out = path.join(dir, "out.mp4");
    const seen: number[] = [];
    await runFfmpegWithProgress(
      [
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=1080x1920:rate=30:duration=6",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-f",
        "mp4",
        out,
      ],
      6,
      (f) => {
        seen.push(f);
      },
      { everyMs: 0 },
    );
    expect(Math.abs((await probeMedia(out)).duration - 6)).toBeLessThanOrEqual(0.1);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.every((f, i) => f >= 0 && f <= 0.99 && (i === 0 || f >= seen[i - 1]))).toBe(true);
    expect(seen.at(-1)).toBeGreaterThanOrEqual(0.9);
  });

  it("rejects with ffmpeg's own explanation", async () => {
    await expect(
      runFfmpegWithProgress(["-hide_banner", "-i", path.join(dir, "missing.mp4"), "-f", "null", "-"], 1, () => {}),
    ).rejects.toThrow(/missing\.mp4: No such file/);
  });
});
