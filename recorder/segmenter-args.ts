import path from "node:path";
import type { TRawFormat } from "./frame-source";

/** ffmpeg's list of finished segments in a run directory (CSV: file, start, end). */
export const SEGMENT_LIST = "list.csv";
/** The same for audio chunks. */
export const CHUNK_LIST = "chunks.csv";
/** ffmpeg's HLS media playlist of the live parts in a run directory (a sliding window of the newest). */
export const PART_PLAYLIST = "parts.m3u8";
/** Entries the part playlist keeps: the watcher falls this far behind only if the event loop stalls for a minute. */
export const PART_PLAYLIST_SIZE = 60;
/** Target length of a live part; ffmpeg cuts on the first keyframe after it. */
export const PART_SECONDS = 1;

/** What one segmenter run reads. */
export type TSegmenterInput =
  /** A local file: read at its own pace (`-re`), like a live stream, unless `fast` (a replay read at full speed). */
  | { kind: "file"; path: string; fast?: boolean }
  /**
   * A network source (HTTP(S), HLS, RTMP …), already checked by the SSRF guard; `proxyUrl`: the guard's proxy.
   * `realtime`: a recording replayed as live, read at its own pace (`-re`); a live stream paces itself.
   */
  | { kind: "network"; url: string; proxyUrl?: string; realtime?: boolean }
  /** A frame source: raw I420 video on fd 3, s16le PCM on fd 4. */
  | { kind: "raw"; format: TRawFormat };

export type TSegmenterOptions = {
  input: TSegmenterInput;
  segmentSeconds: number;
  /** Number of the run's first segment file (numbers only ever grow across a session's runs). */
  startNumber: number;
  /** > 0: the audio also goes out as 16 kHz mono WAV chunks of this length. */
  audioChunkSeconds: number;
  /** Where the segments, chunks, parts and their lists are written. */
  runDir: string;
  /** The run also cuts the live edge into ~1 s MPEG-TS parts (p-0000000.ts …, listed in PART_PLAYLIST). */
  liveParts?: boolean;
  /**
   * Re-encode the segments (the streamer's recording output, lib/media/output-formats.ts): encoder options, and
   * the segments' muxer and file extension. Absent: stream copy into MPEG-TS (raw frames: H.264/AAC). The live
   * parts stay stream copy (raw frames: their own H.264/AAC encode).
   */
  encode?: { args: string[]; container: "mpegts" | "mp4" | "webm"; ext: string };
};

const COPY = ["-sn", "-dn", "-c", "copy"];

/**
 * ffmpeg arguments of one segmenter run: the source cut into MPEG-TS segments of `segmentSeconds` (stream
 * copy, or H.264/AAC for raw frames), listed in SEGMENT_LIST as they close, and optionally the same audio cut
 * into WAV chunks on the same clock (CHUNK_LIST), and optionally the live parts (PART_PLAYLIST). Pure: no I/O.
 */
export function segmenterArgs(opts: TSegmenterOptions): string[] {
  const { input, segmentSeconds, audioChunkSeconds: chunkSeconds, runDir } = opts;
  const segments = segmentOutput(opts);
  const parts = opts.liveParts ? partOutput(runDir) : null;
  return [
    "-hide_banner",
    "-loglevel",
    "error",
    "-nostdin",
    ...(input.kind === "raw" && opts.encode
      ? [
          // The recording output's codecs for the segments; the live parts stay H.264/AAC MPEG-TS (HLS-playable),
          // a second encode of the same frames.
          ...rawInputs(input.format),
          ...RAW_MAPS,
          ...opts.encode.args,
          ...segments.args,
          segments.file,
          ...(parts ? [...RAW_MAPS, ...rawH264Args(input.format, PART_SECONDS), ...parts.args, parts.file] : []),
        ]
      : input.kind === "raw"
        ? [
            ...rawInputs(input.format),
            ...RAW_MAPS,
            ...rawH264Args(input.format, parts ? PART_SECONDS : segmentSeconds),
            // Encoded once, written twice: the tee muxer feeds the same packets to the segments and the parts.
            ...(parts ? ["-f", "tee", teeSpec([segments, parts])] : [...segments.args, segments.file]),
          ]
        : [
            ...sourceInputArgs(input),
            // ffmpeg's default selection (best video + best audio, whichever exist) rather than -map 0:v? -map 0:a?:
            // the same for a single-rendition source, but an HLS master playlist then pulls one rendition, not all.
            ...(opts.encode?.args ?? COPY),
            ...segments.args,
            segments.file,
            // The live parts: the same packets again (stream copy costs no CPU), cut on keyframes every ~1 s.
            ...(parts ? [...COPY, ...parts.args, parts.file] : []),
          ]),
    // Audio sent ahead: the same audio as 16 kHz mono WAV chunks, cut on the same clock as the segments.
    ...(chunkSeconds > 0
      ? [
          "-map",
          input.kind === "raw" ? "1:a" : "0:a:0?",
          "-vn",
          "-ac",
          "1",
          "-ar",
          "16000",
          "-c:a",
          "pcm_s16le",
          "-f",
          "segment",
          "-segment_time",
          String(chunkSeconds),
          "-segment_format",
          "wav",
          "-reset_timestamps",
          "1",
          "-segment_list",
          path.join(runDir, CHUNK_LIST),
          "-segment_list_type",
          "csv",
          path.join(runDir, "a-%05d.wav"),
        ]
      : []),
  ];
}

/** One muxer output: `-f <format>` and its options as ffmpeg arguments, and the output file. */
type TOutput = { args: string[]; file: string };

/** The segments: MPEG-TS files of `segmentSeconds`, listed in SEGMENT_LIST as they close. */
function segmentOutput(opts: TSegmenterOptions): TOutput {
  return {
    args: [
      "-f",
      "segment",
      "-segment_time",
      String(opts.segmentSeconds),
      "-segment_format",
      opts.encode?.container ?? "mpegts",
      "-reset_timestamps",
      "1",
      "-segment_list",
      path.join(opts.runDir, SEGMENT_LIST),
      "-segment_list_type",
      "csv",
      "-segment_start_number",
      String(opts.startNumber),
    ],
    file: path.join(opts.runDir, `%05d.${opts.encode?.ext ?? "ts"}`),
  };
}

/**
 * The live parts: ffmpeg's HLS muxer, MPEG-TS parts of ~PART_SECONDS (cut on keyframes; timestamps run on
 * through the run, so consecutive parts concatenate byte-wise), each listed in PART_PLAYLIST once closed.
 */
function partOutput(runDir: string): TOutput {
  return {
    args: [
      "-f",
      "hls",
      "-hls_time",
      String(PART_SECONDS),
      "-hls_list_size",
      String(PART_PLAYLIST_SIZE),
      "-hls_segment_type",
      "mpegts",
      "-hls_segment_filename",
      path.join(runDir, "p-%07d.ts"),
    ],
    file: path.join(runDir, PART_PLAYLIST),
  };
}

/**
 * The tee muxer's output list: `[f=segment:segment_time=10:…]file|[f=hls:…]file`. Its option syntax has no
 * simple escaping for these characters, so a run directory containing them is refused rather than misparsed.
 */
function teeSpec(outputs: TOutput[]): string {
  return outputs
    .map(({ args, file }) => {
      if (/[:|[\]\\'"]/.test(file)) throw new Error(`run directory unusable with the tee muxer: ${file}`);
      const options: string[] = [];
      for (let i = 0; i < args.length; i += 2) options.push(`${args[i].replace(/^-/, "")}=${args[i + 1]}`);
      return `[${options.join(":")}]${file}`;
    })
    .join("|");
}

/** ffmpeg input arguments of a file or network source. */
function sourceInputArgs(input: Exclude<TSegmenterInput, { kind: "raw" }>): string[] {
  // -re: a file is read at its own pace, like a live stream (a fast replay reads it as fast as it can).
  if (input.kind === "file") return [...(input.fast ? [] : ["-re"]), "-i", input.path];
  // rw_timeout (µs): a source that stops sending without closing is noticed instead of waited on forever.
  const args = ["-rw_timeout", "15000000"];
  const parsed = new URL(input.url);
  if (parsed.protocol === "http:" || parsed.protocol === "https:") {
    // Every request (playlist reloads, variants, segments, redirects) goes through the checking proxy.
    if (input.proxyUrl) args.push("-http_proxy", input.proxyUrl);
    // Short network blips are bridged inside ffmpeg, without a segment boundary.
    args.push(
      "-reconnect",
      "1",
      "-reconnect_streamed",
      "1",
      "-reconnect_on_network_error",
      "1",
      "-reconnect_delay_max",
      "5",
    );
    // A live playlist that stops advancing counts as ended after 10 reloads (ffmpeg's default is 1000).
    if (parsed.pathname.endsWith(".m3u8")) args.push("-m3u8_hold_counters", "10");
  }
  return [...args, ...(input.realtime ? ["-re"] : []), "-i", input.url];
}

/** ffmpeg inputs of a frame source: raw I420 video on fd 3, s16le PCM on fd 4. */
function rawInputs(f: TRawFormat): string[] {
  return [
    "-f",
    "rawvideo",
    "-pix_fmt",
    "yuv420p",
    "-s",
    `${f.width}x${f.height}`,
    "-framerate",
    String(f.fps),
    "-i",
    "pipe:3",
    "-f",
    "s16le",
    "-ar",
    String(f.sampleRate),
    "-ac",
    String(f.channels),
    "-i",
    "pipe:4",
  ];
}

const RAW_MAPS = ["-map", "0:v", "-map", "1:a"];

/**
 * Raw frames encoded to H.264 + AAC (they cannot be stream-copied); a keyframe is forced every
 * `keyframeSeconds` (the segment length, or every second with live parts, which also lands on every segment
 * boundary) so cuts are on time.
 */
function rawH264Args(f: TRawFormat, keyframeSeconds: number): string[] {
  return [
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-tune",
    "zerolatency",
    "-pix_fmt",
    "yuv420p",
    "-g",
    String(f.fps * 2),
    "-force_key_frames",
    `expr:gte(t,n_forced*${keyframeSeconds})`,
    "-c:a",
    "aac",
    "-b:a",
    "128k",
  ];
}
