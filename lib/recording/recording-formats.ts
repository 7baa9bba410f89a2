import "server-only";
import { env } from "@/lib/env";
import { runTool } from "@/lib/media";

/** A recording output: the container and the encoders it needs (none for stream copy). */
type TOutputSpec = { id: string; label: string; container: string; video: string[]; audio: string[] };

/** The outputs a recording can have; video and audio list acceptable encoders, preferred first. */
const OUTPUTS: TOutputSpec[] = [
  { id: "copy", label: "Stream copy (as the source sends it)", container: "mpegts", video: [], audio: [] },
  { id: "mp4", label: "MP4, H.264 + AAC", container: "mp4", video: ["libx264"], audio: ["aac"] },
  { id: "webm", label: "WebM, VP9 + Opus", container: "webm", video: ["libvpx-vp9"], audio: ["libopus"] },
  {
    id: "av1",
    label: "AV1 + Opus",
    container: "webm",
    video: ["libsvtav1", "libaom-av1", "librav1e"],
    audio: ["libopus"],
  },
];

/** Quality presets as target bitrates (video kb/s at a frame height, audio kb/s). */
export const QUALITY_PRESETS = [
  { id: "low", height: 480, videoKbps: 1000, audioKbps: 96 },
  { id: "medium", height: 720, videoKbps: 2500, audioKbps: 128 },
  { id: "high", height: 1080, videoKbps: 5000, audioKbps: 192 },
] as const;

export type TRecordingFormats = {
  ffmpeg: { path: string; version: string | null; available: boolean };
  outputs: {
    id: string;
    label: string;
    container: string;
    available: boolean;
    video: string | null;
    audio: string | null;
    missing: string[];
  }[];
  qualities: typeof QUALITY_PRESETS;
};

let cached: Promise<TRecordingFormats> | undefined;

/** `GET /api/recording/formats`: what this server's ffmpeg can make (asked once per process). */
export function recordingFormats(): Promise<TRecordingFormats> {
  cached ??= probe().catch((err) => {
    cached = undefined; // an ffmpeg installed later is found on the next request
    throw err;
  });
  return cached;
}

async function probe(): Promise<TRecordingFormats> {
  const path = env.FFMPEG_PATH;
  let version: string | null = null;
  let encoders = new Set<string>();
  try {
    const [v, e] = await Promise.all([
      runTool(path, ["-hide_banner", "-version"]),
      runTool(path, ["-hide_banner", "-encoders"]),
    ]);
    version = /ffmpeg version (\S+)/.exec(v.stdout)?.[1] ?? null;
    // " V....D libx264   libx264 H.264 …": flags, then the encoder's name.
    encoders = new Set(e.stdout.split("\n").flatMap((l) => /^ [VAS][.A-Z]{5} (\S+)/.exec(l)?.[1] ?? []));
  } catch {
    return {
      ffmpeg: { path, version: null, available: false },
      outputs: OUTPUTS.map((o) => ({
        id: o.id,
        label: o.label,
        container: o.container,
        available: false,
        video: null,
        audio: null,
        missing: ["ffmpeg"],
      })),
      qualities: QUALITY_PRESETS,
    };
  }
  return {
    ffmpeg: { path, version, available: true },
    outputs: OUTPUTS.map((o) => {
      const video = o.video.find((x) => encoders.has(x)) ?? null;
      const audio = o.audio.find((x) => encoders.has(x)) ?? null;
      const missing = [
        ...(o.video.length && !video ? [o.video.join(" or ")] : []),
        ...(o.audio.length && !audio ? [o.audio.join(" or ")] : []),
      ];
      return { id: o.id, label: o.label, container: o.container, available: !missing.length, video, audio, missing };
    }),
    qualities: QUALITY_PRESETS,
  };
}
