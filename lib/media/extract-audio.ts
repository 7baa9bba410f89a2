import { env } from "@/lib/env";
import { runTool } from "./run";

/** Decodes the first audio stream to a mono 16-bit PCM WAV (16 kHz by default, what speech engines want). */
export async function extractAudio(input: string, outWav: string, opts: { sampleRate?: number } = {}): Promise<void> {
  const sampleRate = opts.sampleRate ?? 16000;
  await runTool(env.FFMPEG_PATH, [
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "error",
    "-y",
    "-i",
    input,
    "-map",
    "0:a:0",
    "-vn",
    "-ac",
    "1",
    "-ar",
    String(sampleRate),
    "-c:a",
    "pcm_s16le",
    "-f",
    "wav",
    outWav,
  ]);
}
