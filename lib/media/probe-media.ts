import { z } from "zod";
import { env } from "@/lib/env";
import { runTool } from "./run";

export type TMediaInfo = { duration: number; hasVideo: boolean; hasAudio: boolean; width?: number; height?: number };

const ZProbe = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        duration: z.string().optional(),
      }),
    )
    .default([]),
  format: z.object({ duration: z.string().optional() }).default({}),
});

export async function probeMedia(file: string): Promise<TMediaInfo> {
  const { stdout } = await runTool(env.FFPROBE_PATH, [
    "-v",
    "error",
    "-print_format",
    "json",
    "-show_format",
    "-show_streams",
    file,
  ]);
  const info = ZProbe.parse(JSON.parse(stdout));
  const video = info.streams.find((s) => s.codec_type === "video");
  const audio = info.streams.find((s) => s.codec_type === "audio");
  const duration = Number(info.format.duration ?? video?.duration ?? audio?.duration ?? NaN);
  if (!Number.isFinite(duration)) throw new Error(`ffprobe reported no duration for ${file}`);
  return { duration, hasVideo: !!video, hasAudio: !!audio, width: video?.width, height: video?.height };
}
