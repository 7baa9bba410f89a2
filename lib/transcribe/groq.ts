import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createGroqClient } from "@/lib/groq-client";
import { z } from "zod";
import { env } from "@/lib/env";
import { runTool } from "@/lib/media/run";
import type { TTranscribeOptions, TTranscript, Transcriber } from "./types";

/** Groq Whisper's verbose_json answer (only the fields used; the real answer has more). */
const ZVerbose = z.object({
  text: z.string(),
  language: z.string().optional(),
  words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number() })).optional(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).optional(),
});

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const LANGS: Record<string, string> = { english: "en", german: "de", french: "fr", spanish: "es" };

export type TGroqTranscriberOptions = { apiKey?: string; baseURL?: string; model?: string; maxRetries?: number; timeoutMs?: number };

export function createGroqTranscriber(opts: TGroqTranscriberOptions = {}): Transcriber {
  const client = createGroqClient(opts, 300_000);
  const model = opts.model ?? env.GROQ_TRANSCRIBE_MODEL;
  return {
    async transcribe(wav: string, topts: TTranscribeOptions = {}): Promise<TTranscript> {
      const offset = topts.offset ?? 0;
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "clipstream-groq-"));
      try {
        // 16 kHz mono FLAC: what Whisper resamples to anyway, at about half the size of WAV (upload limit).
        const flac = path.join(dir, "audio.flac");
        await runTool(env.FFMPEG_PATH, [
          "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", wav,
          "-map", "0:a:0", "-ac", "1", "-ar", "16000", "-c:a", "flac", flac,
        ]);
        const raw = await client.audio.transcriptions.create({
          file: fs.createReadStream(flac),
          model,
          response_format: "verbose_json",
          timestamp_granularities: ["word", "segment"],
          temperature: 0,
          ...(topts.keywords?.length ? { prompt: topts.keywords.join(", ").slice(0, 800) } : {}),
        });
        const parsed = ZVerbose.safeParse(raw);
        if (!parsed.success) throw new Error(`Groq transcription: unexpected answer: ${parsed.error.issues[0]?.message}`);
        const v = parsed.data;
        const words = (v.words ?? [])
          .map((x) => ({ w: x.word.trim(), s: r3(x.start + offset), e: r3(x.end + offset) }))
          .filter((x) => x.w)
          .sort((a, b) => a.s - b.s);
        const language = v.language ? (LANGS[v.language.toLowerCase()] ?? v.language.toLowerCase()) : undefined;
        return { engine: "groq", language, text: v.text.trim(), words };
      } finally {
        await fsp.rm(dir, { recursive: true, force: true });
      }
    },
  };
}
