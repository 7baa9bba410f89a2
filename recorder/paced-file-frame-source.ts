import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { runTool } from "@/lib/media/run";
import type { TFrameSource, TFrameSourceFactory, TRawFormat } from "./frame-source";
import { RawPacer } from "./raw-pacer";

/**
 * A local media file standing in for a LiveKit room the way the room's frames really reach the recorder:
 * decoded in real time (`ffmpeg -re`) into separate I420 frames and PCM chunks at the file's own rate, handed
 * to the same RawPacer as recorder/livekit-frame-source.ts (re-timed to `fps`, audio tick for tick), so
 * tests run the pacer against the real segmenter. The source ends when the file does ("publisher left").
 */
export function pacedFileFrameSources(
  files: (mint: string) => string | undefined,
  opts: { ffmpegPath?: string; ffprobePath?: string; fps?: number } = {},
): TFrameSourceFactory {
  const ffmpeg = opts.ffmpegPath ?? "ffmpeg";
  const ffprobe = opts.ffprobePath ?? "ffprobe";
  const fps = opts.fps ?? 30;
  const [sampleRate, channels] = [48_000, 2];
  return async (mint, log, signal) => {
    const file = files(mint);
    if (!file) throw new Error(`no publisher in room ${mint}`);
    const { stdout } = await runTool(ffprobe, [
      "-v",
      "error",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=width,height",
      "-of",
      "csv=p=0",
      file,
    ]);
    const [width, height] = stdout.trim().split(",").map(Number);
    let gotFirst!: (f: TRawFormat) => void;
    const first = new Promise<TRawFormat>((resolve) => (gotFirst = resolve));
    const pacer = new RawPacer(fps, sampleRate, channels, gotFirst);
    const proc = spawn(
      ffmpeg,
      [
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-re",
        "-i",
        file,
        "-map",
        "0:v:0",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "yuv420p",
        "pipe:1",
        "-map",
        "0:a:0",
        "-f",
        "s16le",
        "-ar",
        String(sampleRate),
        "-ac",
        String(channels),
        "pipe:3",
      ],
      { stdio: ["ignore", "pipe", "ignore", "pipe"] },
    );
    // Pipe reads split frames and samples anywhere: hand the pacer whole ones, as a room does.
    const frameBytes = (width * height * 3) / 2;
    let video = Buffer.alloc(0);
    proc.stdout!.on("data", (chunk: Buffer) => {
      video = Buffer.concat([video, chunk]);
      for (; video.length >= frameBytes; video = video.subarray(frameBytes))
        pacer.videoFrame(Buffer.from(video.subarray(0, frameBytes)), width, height);
    });
    let audio = Buffer.alloc(0);
    (proc.stdio[3] as Readable).on("data", (chunk: Buffer) => {
      audio = Buffer.concat([audio, chunk]);
      const whole = audio.length - (audio.length % (channels * 2));
      pacer.audioFrame(Buffer.from(audio.subarray(0, whole)));
      audio = audio.subarray(whole);
    });
    const timer = setInterval(() => pacer.tick(), 1000 / fps / 2);
    const close = (why: string) => {
      clearInterval(timer);
      if (proc.exitCode === null) proc.kill("SIGKILL");
      if (!pacer.ended) log(`[room ${mint}] ${why}`);
      pacer.end(why);
    };
    proc.once("close", () => close("publisher left"));
    proc.once("error", (err) => close(err.message));
    let onAbort = () => {};
    try {
      const format = await Promise.race([
        first,
        new Promise<never>((_, reject) => {
          onAbort = () => reject(new Error("stopped"));
          if (signal?.aborted) onAbort();
          signal?.addEventListener("abort", onAbort, { once: true });
          proc.once("close", () => reject(new Error(`no video published in room ${mint}`)));
        }),
      ]);
      const source: TFrameSource = { format, video: pacer.video, audio: pacer.audio, close: () => close("closed") };
      return source;
    } catch (err) {
      close((err as Error).message);
      throw err;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  };
}
