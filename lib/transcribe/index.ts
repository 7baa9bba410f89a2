import { env } from "@/lib/env";
import { createGroqTranscriber } from "./groq";
import { createPocketsphinxTranscriber, spotKeywordsPocketsphinx, type TChunkOptions } from "./pocketsphinx";
import type { TKeywordHit, TTranscript, Transcriber } from "./types";

export type { TWord, TTranscript, TTranscribeOptions, Transcriber, TKeywordHit } from "./types";
export { createPocketsphinxTranscriber, parsePocketsphinxWords, type TChunkOptions } from "./pocketsphinx";
export { createGroqTranscriber } from "./groq";

/** Groq Whisper when GROQ_API_KEY is set, otherwise offline PocketSphinx. */
export function getTranscriber(): Transcriber {
  return env.GROQ_API_KEY ? createGroqTranscriber() : createPocketsphinxTranscriber();
}

/** The engine and model getTranscriber() transcribes with, as TTranscript reports them. */
export function transcriberIdentity(): { engine: TTranscript["engine"]; model: string } {
  return env.GROQ_API_KEY
    ? { engine: "groq", model: env.GROQ_TRANSCRIBE_MODEL }
    : { engine: "pocketsphinx", model: "en-us" };
}

/**
 * Times (relative to the file) where any of `phrases` is spoken. Always offline keyword spotting, so it
 * works with or without Groq; phrases with words outside the decoder's dictionary are skipped.
 */
export function spotKeywords(wav: string, phrases: string[], opts?: TChunkOptions): Promise<TKeywordHit[]> {
  return spotKeywordsPocketsphinx(wav, phrases, opts);
}
