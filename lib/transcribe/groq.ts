import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createGroqClient } from "@/lib/groq-client";
import type { TOpenAICompatible, TProvider } from "@/lib/ai/providers";
import { z } from "zod";
import { env } from "@/lib/env";
import { detectSilences } from "@/lib/media/analyse-audio";
import { probeMedia } from "@/lib/media/probe-media";
import { runTool } from "@/lib/media/run";
import type { TTranscribeOptions, TTranscript, Transcriber } from "./types";
import { publicProviderError } from "@/lib/provider-error";

/** Groq Whisper's verbose_json answer (only the fields used; the real answer has more). */
const ZVerbose = z.object({
  text: z.string(),
  language: z.string().optional(),
  words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number() })).optional(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).optional(),
});

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const LANGS: Record<string, string> = { english: "en", german: "de", french: "fr", spanish: "es" };

export type TGroqTranscriberOptions = {
  apiKey?: string;
  baseURL?: string;
  model?: string;
  maxRetries?: number;
  timeoutMs?: number;
  /** Upload size limit (bytes); longer audio is split on silences. Default GROQ_MAX_UPLOAD_BYTES. */
  maxUploadBytes?: number;
};

const toFlac = (input: string, out: string, from?: number, seconds?: number) =>
  runTool(env.FFMPEG_PATH, [
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "error",
    "-y",
    ...(from !== undefined ? ["-ss", String(from)] : []),
    "-i",
    input,
    ...(seconds !== undefined ? ["-t", String(seconds)] : []),
    "-map",
    "0:a:0",
    "-ac",
    "1",
    "-ar",
    "16000",
    "-c:a",
    "flac",
    out,
  ]);

/**
 * Cut points (seconds) for `parts` chunks of about equal length, each moved to the middle of the silence
 * nearest to the even split (within a quarter chunk), so no word is cut in half.
 */
export function chooseSplitPoints(
  duration: number,
  parts: number,
  silences: { start: number; end: number }[],
): number[] {
  const len = duration / parts;
  const cuts: number[] = [];
  for (let k = 1; k < parts; k++) {
    const ideal = k * len;
    const near = silences
      .map((s) => (s.start + s.end) / 2)
      .filter((m) => Math.abs(m - ideal) <= len / 4 && m > (cuts.at(-1) ?? 0) + 1)
      .sort((a, b) => Math.abs(a - ideal) - Math.abs(b - ideal))[0];
    cuts.push(Math.round((near ?? ideal) * 1000) / 1000);
  }
  return cuts;
}

/** Groq Whisper (GROQ_TRANSCRIBE_MODEL), or the key and server in `opts`. */
export function createGroqTranscriber(opts: TGroqTranscriberOptions = {}): Transcriber {
  const client = createGroqClient(opts, 300_000) as unknown as TOpenAICompatible;
  const model = opts.model ?? env.GROQ_TRANSCRIBE_MODEL;
  return createWhisperTranscriber({ engine: "groq", name: "Groq", model, client }, opts);
}

/**
 * Transcription with word timings by any Whisper server that speaks OpenAI's `/audio/transcriptions`
 * (verbose_json, word and segment timestamps): Groq, or a self-hosted one (WHISPER_BASE_URL).
 */
export function createWhisperTranscriber(provider: TProvider, opts: { maxUploadBytes?: number } = {}): Transcriber {
  const { client, model, engine } = provider;
  const who = `${provider.name} transcription`;
  const maxUploadBytes = opts.maxUploadBytes ?? env.GROQ_MAX_UPLOAD_BYTES;
  return {
    async transcribe(wav: string, topts: TTranscribeOptions = {}): Promise<TTranscript> {
      const offset = topts.offset ?? 0;
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "clipstream-groq-"));
      try {
        // 16 kHz mono FLAC: what Whisper resamples to anyway, at about half the size of WAV (upload limit).
        const flac = path.join(dir, "audio.flac");
        await toFlac(wav, flac);
        const size = (await fsp.stat(flac)).size;
        // Over the limit: split on silences into chunks that fit (with a 10 % margin), times stitched back.
        let chunks = [{ file: flac, start: 0 }];
        if (size > maxUploadBytes) {
          const duration = (await probeMedia(flac)).duration;
          const parts = Math.ceil((size * 1.1) / maxUploadBytes);
          const cuts = chooseSplitPoints(duration, parts, await detectSilences(flac));
          const bounds = [0, ...cuts, duration];
          chunks = [];
          for (let k = 0; k + 1 < bounds.length; k++) {
            const file = path.join(dir, `chunk${k}.flac`);
            await toFlac(flac, file, bounds[k], bounds[k + 1] - bounds[k]);
            chunks.push({ file, start: bounds[k] });
          }
        }
        const answers: { v: z.infer<typeof ZVerbose>; start: number }[] = [];
        for (const chunk of chunks) {
          const raw = await client.audio.transcriptions
            .create({
              file: fs.createReadStream(chunk.file),
              model,
              response_format: "verbose_json",
              timestamp_granularities: ["word", "segment"],
              temperature: 0,
              ...(topts.keywords?.length ? { prompt: topts.keywords.join(", ").slice(0, 800) } : {}),
            })
            .catch((err: unknown) => {
              throw publicProviderError(who, err);
            });
          const parsed = ZVerbose.safeParse(raw);
          if (!parsed.success) throw new Error(`${who}: unexpected answer: ${parsed.error.issues[0]?.message}`);
          answers.push({ v: parsed.data, start: chunk.start });
        }
        const words = answers
          .flatMap(({ v, start }) =>
            (v.words ?? []).map((x) => ({
              w: x.word.trim(),
              s: r3(x.start + start + offset),
              e: r3(x.end + start + offset),
            })),
          )
          .filter((x) => x.w)
          .sort((a, b) => a.s - b.s);
        const v = answers[0].v;
        const text = answers
          .map((a) => a.v.text.trim())
          .filter(Boolean)
          .join(" ");
        const language = v.language ? (LANGS[v.language.toLowerCase()] ?? v.language.toLowerCase()) : undefined;
        return { engine, model, language, text, words };
      } finally {
        await fsp.rm(dir, { recursive: true, force: true });
      }
    },
  };
}
