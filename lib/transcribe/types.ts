/** One recognised word; times in seconds (stream time once a caller passes `offset`), `c` a 0–1 confidence. */
export type TWord = { w: string; s: number; e: number; c?: number };

/** `model`: the Groq Whisper model, or the PocketSphinx acoustic model. */
export type TTranscript = {
  engine: "pocketsphinx" | "groq" | "openai";
  model?: string;
  language?: string;
  text: string;
  words: TWord[];
};

export type TTranscribeOptions = {
  /** Added to every time, so callers get stream time for a segment starting at `offset`. */
  offset?: number;
  /** Words worth recognising (engines that accept a prompt use them as a hint). */
  keywords?: string[];
  /** `fast`: the offline engine's pruned search for this call (a live stream behind live); others ignore it. */
  search?: "fast";
};

export interface Transcriber {
  transcribe(wav: string, opts?: TTranscribeOptions): Promise<TTranscript>;
}

export type TKeywordHit = { phrase: string; t: number };
