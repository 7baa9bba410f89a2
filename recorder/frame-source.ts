import { spawn } from "node:child_process";
import { PassThrough, type Readable } from "node:stream";
import { runTool } from "@/lib/media/run";
import type { TLivekitRoomSource, TRecorderSource } from "@/lib/recorder/protocol";

/**
 * Raw media for the segmenter from a source ffmpeg cannot open itself (a pump.fun LiveKit room): I420 video
 * frames of `width`×`height` at a constant `fps`, and interleaved s16le PCM audio. The recorder pipes both
 * byte streams into the same ffmpeg segmenter as every other source (recorder/spawn-segmenter.ts); the
 * streams end when the source does (room closed, publisher gone, size change).
 */
export type TRawFormat = { width: number; height: number; fps: number; sampleRate: number; channels: number };
export type TFrameSource = { format: TRawFormat; video: Readable; audio: Readable; close(): void };

/** Per stream: a few seconds of raw frames may wait for ffmpeg (it reads its inputs one after the other at start). */
export const BUFFER_BYTES = 64 * 1024 * 1024;

/**
 * Opens a frame source for a room: `key` is a pump.fun coin's mint, or for the operator's LiveKit rooms a
 * TLivekitRoom. Resolves once the first video frame fixed the format; rejects when the stream cannot be
 * joined or no frames arrive (e.g. `isLive` before the streamer publishes). `signal` aborts when the session
 * stops or the recorder shuts down: stop waiting for the publisher.
 */
export type TFrameSourceFactory<K = string> = (
  key: K,
  log: (m: string) => void,
  signal?: AbortSignal,
) => Promise<TFrameSource>;

/** Sources the recorder joins as a LiveKit viewer rather than handing to ffmpeg. */
export type TRoomSource = Exclude<TRecorderSource, { kind: "url" }>;
/** A room on the operator's LiveKit server, for the session that records it (token renewal asks by session). */
export type TLivekitRoom = TLivekitRoomSource & { sessionId: string };
/** The frame source factory of each room source kind (recorder/open-frame-source.ts picks by `kind`). */
export type TFrameSourceFactories = {
  pumpfun: TFrameSourceFactory<string>;
  livekit: TFrameSourceFactory<TLivekitRoom>;
};

/**
 * A frame source reading a local media file in real time (`ffmpeg -re`), standing in for a LiveKit room in
 * tests and demos: `files` maps a mint id (or room name) to the file its "room" plays.
 */
export function fileFrameSources(
  files: (mint: string) => string | undefined,
  opts: { ffmpegPath?: string; ffprobePath?: string } = {},
): TFrameSourceFactory {
  const ffmpeg = opts.ffmpegPath ?? "ffmpeg";
  const ffprobe = opts.ffprobePath ?? "ffprobe";
  return async (mint) => {
    const file = files(mint);
    if (!file) throw new Error(`no publisher in room ${mint}`);
    const { stdout } = await runTool(ffprobe, [
      "-v",
      "error",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=width,height,r_frame_rate",
      "-of",
      "csv=p=0",
      file,
    ]);
    const [w, h, rate] = stdout.trim().split(",");
    const [num, den] = rate.split("/").map(Number);
    const format: TRawFormat = {
      width: Number(w),
      height: Number(h),
      fps: Math.round(num / (den || 1)),
      sampleRate: 48_000,
      channels: 2,
    };
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
        "-r",
        String(format.fps),
        "pipe:1",
        "-map",
        "0:a:0",
        "-f",
        "s16le",
        "-ar",
        String(format.sampleRate),
        "-ac",
        String(format.channels),
        "pipe:3",
      ],
      { stdio: ["ignore", "pipe", "ignore", "pipe"] },
    );
    // Generous buffers: ffmpeg opens (probes) its raw inputs one after the other, so one stream must be able
    // to run ahead of the other without stalling the decoder that produces both.
    const video = new PassThrough({ highWaterMark: BUFFER_BYTES });
    const audio = new PassThrough({ highWaterMark: BUFFER_BYTES });
    proc.stdout!.pipe(video);
    (proc.stdio[3] as Readable).pipe(audio);
    proc.once("error", (err) => video.destroy(err));
    return { format, video, audio, close: () => proc.exitCode === null && proc.kill("SIGKILL") };
  };
}
