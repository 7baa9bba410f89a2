import { env } from "@/lib/env";
import { speechProvider } from "@/lib/ai/providers";
import { createWhisperTranscriber } from "./groq";
import { createPocketsphinxTranscriber, spotKeywordsPocketsphinx, type TChunkOptions } from "./pocketsphinx";
import type { TKeywordHit, TTranscript, Transcriber } from "./types";

export type { TWord, TTranscript, TTranscribeOptions, Transcriber, TKeywordHit } from "./types";
export { createPocketsphinxTranscriber, parsePocketsphinxWords, type TChunkOptions } from "./pocketsphinx";
export { createGroqTranscriber, createWhisperTranscriber } from "./groq";

/** The Whisper server of WHISPER_BASE_URL or Groq (lib/ai/providers.ts), otherwise offline PocketSphinx. */
export function getTranscriber(): Transcriber {
  const provider = speechProvider();
  return provider ? createWhisperTranscriber(provider) : createPocketsphinxTranscriber();
}

/** The engine and model getTranscriber() transcribes with, as TTranscript reports them. */
export function transcriberIdentity(): { engine: TTranscript["engine"]; model: string } {
  if (env.WHISPER_BASE_URL) return { engine: "openai", model: env.WHISPER_MODEL };
  if (env.GROQ_API_KEY) return { engine: "groq", model: env.GROQ_TRANSCRIBE_MODEL };
  return { engine: "pocketsphinx", model: "en-us" };
}

/**
 * Times (relative to the file) where any of `phrases` is spoken. Always offline keyword spotting, so it
 * works with or without Groq; phrases with words outside the decoder's dictionary are skipped.
 */
export function spotKeywords(wav: string, phrases: string[], opts?: TChunkOptions): Promise<TKeywordHit[]> {
  return spotKeywordsPocketsphinx(wav, phrases, opts);
}
