import { runTool } from "./run";

/** What a recording is stored as: stream copy (`copy`), or re-encoded into one of the others. */
export type TRecordOutput = "copy" | "mp4" | "webm" | "av1";
export type TRecordQuality = "low" | "medium" | "high";

/** A recording output: its segments' container and file extension, and acceptable encoders, preferred first. */
type TOutputSpec = {
  id: TRecordOutput;
  label: string;
  /** ffmpeg's muxer for the segments, and their file extension. */
  container: "mpegts" | "mp4" | "webm";
  ext: "ts" | "mp4" | "webm";
  video: string[];
  audio: string[];
};

export const OUTPUTS: TOutputSpec[] = [
  { id: "copy", label: "Stream copy (as the source sends it)", container: "mpegts", ext: "ts", video: [], audio: [] },
  { id: "mp4", label: "MP4, H.264 + AAC", container: "mp4", ext: "mp4", video: ["libx264"], audio: ["aac"] },
  { id: "webm", label: "WebM, VP9 + Opus", container: "webm", ext: "webm", video: ["libvpx-vp9"], audio: ["libopus"] },
  {
    id: "av1",
    label: "AV1 + Opus (WebM)",
    container: "webm",
    ext: "webm",
    video: ["libsvtav1", "libaom-av1", "librav1e"],
    audio: ["libopus"],
  },
];

/** Quality presets as target bitrates: video kb/s at most this frame height, audio kb/s. */
export const QUALITY_PRESETS = [
  { id: "low", height: 480, videoKbps: 1000, audioKbps: 96 },
  { id: "medium", height: 720, videoKbps: 2500, audioKbps: 128 },
  { id: "high", height: 1080, videoKbps: 5000, audioKbps: 192 },
] as const satisfies readonly { id: TRecordQuality; height: number; videoKbps: number; audioKbps: number }[];

/** An output as a given ffmpeg can make it: the encoders it would use, or what it lacks. */
export type TOutputSupport = {
  id: TRecordOutput;
  label: string;
  container: string;
  ext: string;
  available: boolean;
  video: string | null;
  audio: string | null;
  missing: string[];
};

/** The encoders an ffmpeg binary has (`ffmpeg -encoders`), or null when it cannot be run. */
export async function ffmpegEncoders(
  ffmpegPath: string,
): Promise<{ version: string | null; encoders: Set<string> } | null> {
  try {
    const [v, e] = await Promise.all([
      runTool(ffmpegPath, ["-hide_banner", "-version"]),
      runTool(ffmpegPath, ["-hide_banner", "-encoders"]),
    ]);
    // " V....D libx264   libx264 H.264 …": flags, then the encoder's name.
    const encoders = new Set(e.stdout.split("\n").flatMap((l) => /^ [VAS][.A-Z]{5} (\S+)/.exec(l)?.[1] ?? []));
    return { version: /ffmpeg version (\S+)/.exec(v.stdout)?.[1] ?? null, encoders };
  } catch {
    return null;
  }
}

/** Every output as `encoders` (null: no ffmpeg at all) can make it. */
export function outputSupport(encoders: Set<string> | null): TOutputSupport[] {
  return OUTPUTS.map((o) => {
    if (!encoders) {
      return { ...o, available: false, video: null, audio: null, missing: ["ffmpeg"], ext: o.ext };
    }
    const video = o.video.find((x) => encoders.has(x)) ?? null;
    const audio = o.audio.find((x) => encoders.has(x)) ?? null;
    const missing = [
      ...(o.video.length && !video ? [o.video.join(" or ")] : []),
      ...(o.audio.length && !audio ? [o.audio.join(" or ")] : []),
    ];
    return {
      id: o.id,
      label: o.label,
      container: o.container,
      ext: o.ext,
      available: !missing.length,
      video,
      audio,
      missing,
    };
  });
}

/**
 * ffmpeg output options that re-encode a recording's segments: the chosen encoders at the preset's bitrate,
 * scaled down to its height (never up), with a keyframe forced on every segment boundary so segments cut on
 * time. Real-time settings: a recorder encodes as the stream plays.
 */
export function encodeArgs(support: TOutputSupport, quality: TRecordQuality, segmentSeconds: number): string[] {
  const q = QUALITY_PRESETS.find((p) => p.id === quality)!;
  const video = support.video!;
  const speed: Record<string, string[]> = {
    libx264: ["-preset", "veryfast"],
    "libvpx-vp9": ["-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1"],
    libsvtav1: ["-preset", "12"],
    "libaom-av1": ["-usage", "realtime", "-cpu-used", "8", "-row-mt", "1"],
    librav1e: ["-speed", "10"],
  };
  return [
    "-sn",
    "-dn",
    "-vf",
    `scale=-2:'min(ih,${q.height})'`,
    "-c:v",
    video,
    ...(speed[video] ?? []),
    "-b:v",
    `${q.videoKbps}k`,
    // Capped bitrate where the encoder takes it (SVT-AV1 refuses a max rate equal to the target).
    ...(video.startsWith("libx264") || video === "libvpx-vp9"
      ? ["-maxrate", `${q.videoKbps}k`, "-bufsize", `${q.videoKbps * 2}k`]
      : []),
    "-pix_fmt",
    "yuv420p",
    "-force_key_frames",
    `expr:gte(t,n_forced*${segmentSeconds})`,
    "-c:a",
    support.audio!,
    "-b:a",
    `${q.audioKbps}k`,
  ];
}
