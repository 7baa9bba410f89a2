import type { TWord } from "@/lib/transcribe/types";

/** Everything the detectors look at, all in stream time (seconds). */
export type TSignals = {
  words: TWord[];
  loudness: { t: number; lufs: number }[];
  silences: { start: number; end: number }[];
  keywordHits: { phrase: string; t: number }[];
  /** A pump.fun coin's trades and chat around the window (lib/detect/activity.ts); absent for other streams. */
  activity?: TActivity;
};

/** One second of coin activity on the stream clock: [t, t + 1). Seconds without a row had none. */
export type TActivitySecond = {
  t: number;
  trades: number;
  buys: number;
  /** SOL bought minus SOL sold. */
  netBuySol: number;
  /** Market cap (USD) after the second's last trade; null without a trade. */
  marketCap: number | null;
  chat: number;
};

/**
 * The seconds of [from, to) that had activity: the window plus the stretch of session before it that sets the
 * baseline (a burst is measured against the session's own recent rate, not an absolute number).
 */
export type TActivity = { from: number; to: number; seconds: TActivitySecond[] };

export type TDetectSettings = {
  minClipSeconds: number;
  maxClipSeconds: number;
  minScore: number;
  keywords: string[];
  /** The streamer's own words on what to clip (LLM detectors only). */
  customPrompt?: string;
};

export type TCandidate = {
  start: number;
  end: number;
  title: string;
  hook: string;
  reason: string;
  /** 0–100, integer. */
  score: number;
  tags: string[];
  engine: "offline" | "groq" | "openai";
  /** The model behind the engine (Groq chat model); absent for the offline detector. */
  model?: string;
  excerpt: string;
};

export type TWindow = { start: number; end: number };

export type TDetectInput = {
  signals: TSignals;
  /** The stretch of stream time to look at (a segment plus the previous segment's tail). */
  window: TWindow;
  /** A summary of what happened earlier in the stream (for LLM detectors). */
  context?: string;
  settings: TDetectSettings;
};

export interface Detector {
  detect(input: TDetectInput): Promise<TCandidate[]>;
}
