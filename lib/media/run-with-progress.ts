import { spawn } from "node:child_process";
import { env } from "@/lib/env";

/**
 * Runs ffmpeg with `-progress pipe:1` and reports the fraction of `totalSeconds` encoded so far (from the
 * `out_time_us=` lines, at most every `everyMs`). Rejects with the tail of stderr on failure.
 */
export function runFfmpegWithProgress(
  args: string[],
  totalSeconds: number,
  onProgress: (fraction: number) => Promise<void> | void,
  opts: { cwd?: string; everyMs?: number } = {},
): Promise<void> {
  const everyMs = opts.everyMs ?? 1000;
  return new Promise((resolve, reject) => {
    const child = spawn(env.FFMPEG_PATH, ["-progress", "pipe:1", "-stats_period", "0.25", "-nostats", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      cwd: opts.cwd,
    });
    let stderr = "";
    let buf = "";
    let last = 0;
    let pending: Promise<void> = Promise.resolve();
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-16_000)));
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      buf += d;
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const line of lines) {
        const m = /^out_time_us=(\d+)/.exec(line);
        if (!m || Date.now() - last < everyMs) continue;
        last = Date.now();
        const fraction = Math.min(0.99, Number(m[1]) / 1e6 / Math.max(0.001, totalSeconds));
        pending = pending.then(() => onProgress(fraction)).catch(() => {});
      }
    });
    child.on("error", (err) => reject(new Error(`ffmpeg could not be started: ${err.message}`)));
    child.on("close", async (code, signal) => {
      await pending;
      if (code === 0) return resolve();
      const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new Error(`ffmpeg ${why}: ${stderr.trim().split("\n").slice(-12).join("\n") || "(no stderr)"}`));
    });
  });
}
