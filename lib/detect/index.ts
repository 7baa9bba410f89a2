import { chatProvider } from "@/lib/ai/providers";
import { createLlmDetector } from "./groq";
import { createOfflineDetector } from "./offline";
import type { TCandidate, Detector, TWindow } from "./types";

export type {
  TActivity,
  TActivitySecond,
  TCandidate,
  TDetectInput,
  TDetectSettings,
  TSignals,
  TWindow,
  Detector,
} from "./types";
export { createOfflineDetector, detectOffline, EXCITEMENT_PHRASES } from "./offline";
export { createGroqDetector, createLlmDetector } from "./groq";

/** The chat model of LLM_BASE_URL or Groq (lib/ai/providers.ts), otherwise the offline signal detector. */
export function getDetector(): Detector {
  const provider = chatProvider();
  return provider ? createLlmDetector(provider) : createOfflineDetector();
}

/** True when the candidate runs into the last `seconds` of the window (the moment may continue past it). */
export function isNearWindowEnd(c: Pick<TCandidate, "end">, window: TWindow, seconds: number): boolean {
  return c.end >= window.end - seconds;
}

const overlaps = (a: TCandidate, b: TCandidate) => Math.min(a.end, b.end) - Math.max(a.start, b.start) > 0;

/**
 * Merges candidates from overlapping detection windows. Existing ones (already clipped) always stay and absorb
 * any incoming candidate that overlaps them; among overlapping incoming ones the highest score wins (ties: the
 * earlier start). Returns existing + surviving incoming, sorted by start.
 */
export function mergeCandidates(existing: TCandidate[], incoming: TCandidate[]): TCandidate[] {
  const kept = [...existing];
  const fresh = [...incoming].sort((a, b) => b.score - a.score || a.start - b.start);
  for (const c of fresh) if (!kept.some((k) => overlaps(k, c))) kept.push(c);
  return kept.sort((a, b) => a.start - b.start || b.score - a.score);
}
