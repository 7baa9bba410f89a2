import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import {
  ffmpegEncoders,
  outputSupport,
  QUALITY_PRESETS,
  type TOutputSupport,
  type TRecordOutput,
} from "@/lib/media/output-formats";

export type TRecordingFormats = {
  ffmpeg: { path: string; version: string | null; available: boolean };
  outputs: Omit<TOutputSupport, "ext">[];
  qualities: typeof QUALITY_PRESETS;
};

let cached: Promise<TRecordingFormats> | undefined;

/** `GET /api/recording/formats`: what this server's ffmpeg can make (asked once per process). */
export function recordingFormats(): Promise<TRecordingFormats> {
  cached ??= (async () => {
    const found = await ffmpegEncoders(env.FFMPEG_PATH);
    if (!found) cached = undefined; // an ffmpeg installed later is found on the next request
    return {
      ffmpeg: { path: env.FFMPEG_PATH, version: found?.version ?? null, available: !!found },
      outputs: outputSupport(found?.encoders ?? null).map(({ ext: _ext, ...o }) => o),
      qualities: QUALITY_PRESETS,
    };
  })();
  return cached;
}

/**
 * A streamer's recording output, checked before it is saved: this server's ffmpeg must have its encoders (the
 * refusal lists what it can make), and a pump.fun coin or LiveKit room, whose frames the recorder encodes to
 * H.264/AAC itself, takes only `copy` (that) or `mp4`.
 */
export async function assertOutputAvailable(output: TRecordOutput, kind: string): Promise<void> {
  if (output === "copy") return;
  if (kind !== "URL" && output !== "mp4") {
    throw new AppError(
      "invalid_input",
      "recordOutput: a pump.fun coin or LiveKit room is recorded as H.264/AAC (copy or mp4).",
    );
  }
  const formats = await recordingFormats();
  const o = formats.outputs.find((x) => x.id === output)!;
  if (!o.available) {
    const can = formats.outputs.filter((x) => x.available).map((x) => x.id);
    throw new AppError(
      "invalid_input",
      `recordOutput: this server's ffmpeg cannot make ${output} (missing ${o.missing.join(", ")}); it can make ${can.join(", ")}.`,
    );
  }
}
