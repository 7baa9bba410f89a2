import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { TFrameSource } from "./frame-source";

/** The segmenter's pid in its run directory: a restarted recorder kills an ffmpeg that outlived its parent. */
export const SEGMENTER_PID_FILE = "ffmpeg.pid";

/**
 * Starts the segmenter ffmpeg of one run (arguments from segmenterArgs) and, for a frame source, pipes its
 * video and audio into fd 3 and 4. `exited` resolves once ffmpeg is gone (or could not start), with the tail
 * of its stderr (and the spawn error, if any); it never rejects.
 */
export function spawnSegmenter(
  ffmpegPath: string,
  args: string[],
  frames: TFrameSource | null,
  runDir: string,
): { proc: ChildProcess; exited: Promise<string> } {
  const proc = spawn(ffmpegPath, args, {
    stdio: ["ignore", "ignore", "pipe", ...(frames ? (["pipe", "pipe"] as const) : [])],
  });
  if (frames) feed(frames, proc);
  if (proc.pid) fs.writeFileSync(path.join(runDir, SEGMENTER_PID_FILE), String(proc.pid));
  let stderr = "";
  proc.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<string>((resolve) => {
    proc.once("close", () => resolve(stderr));
    proc.once("error", (err) => {
      stderr += `\n${err.message}`;
      resolve(stderr);
    });
  });
  return { proc, exited };
}

/** Frame source → ffmpeg's pipes, with backpressure; ffmpeg sees EOF when the source ends. */
function feed(frames: TFrameSource, proc: ChildProcess) {
  const pipes = [proc.stdio[3], proc.stdio[4]] as NodeJS.WritableStream[];
  for (const [from, to] of [
    [frames.video, pipes[0]],
    [frames.audio, pipes[1]],
  ] as const) {
    to.on("error", () => frames.close()); // ffmpeg gone: EPIPE
    from.pipe(to);
  }
}
