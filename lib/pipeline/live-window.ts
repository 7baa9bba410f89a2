import { z } from "zod";
import type { TCandidate, TDetectInput, TDetectSettings, TWindow } from "@/lib/detect";
import { summaryBefore } from "@/lib/detect/summarize";
import type { TKeywordHit, TWord } from "@/lib/transcribe";
import { carrySeconds } from "./load-detection-window";
import type { TStoredSignals } from "./stored-signals";

/**
 * Pure parts of live detection (lib/pipeline/live-detect.ts): the rolling window that ends at the newest
 * audio chunk, what the detector sees in it, and which of its candidates are moments that have ended.
 */

/** A chunk's cheap signals in stream time, stored on its AudioChunk row (`signals`). */
export const ZChunkSignals = z.object({
  loudness: z.array(z.object({ t: z.number(), lufs: z.number() })),
  silences: z.array(z.object({ start: z.number(), end: z.number() })),
  wordsPerSecond: z.number(),
  /**
   * `fast`: decoded with the pruned search (the stream was a little behind live). `cheap`: the chunk was not decoded (its stream was behind live, lib/pipeline/live-backpressure.ts), so it
   * has no words and its segment transcribes that stretch. Absent on rows from before backpressure: `full`.
   */
  mode: z.enum(["full", "fast", "cheap"]).optional(),
  /** How far behind live the stream was when the chunk started (seconds). */
  lagSeconds: z.number().optional(),
  /** The decoder's search: `fast` words are decoded again around clips when the segment closes. */
  search: z.enum(["accurate", "fast"]).optional(),
});
export type TChunkSignals = z.infer<typeof ZChunkSignals>;

/**
 * A candidate must end this long before the window's end to count as over: the detector has then seen that
 * much audio after it (loudness back at the baseline, speech calm or paused) and still ended it there.
 */
export const SETTLE_SECONDS = 2;

/** The streamer's longest clip plus the carry window (as the segment path carries), ending at `end`. */
export function liveDetectionRange(end: number, maxClipSeconds: number): TWindow {
  return { start: Math.max(0, end - maxClipSeconds - carrySeconds(maxClipSeconds)), end };
}

type TSpan = { start: number; end: number };

/** What live detection reads: closed segments' stored words/signals and the live edge's DONE chunks. */
export type TLiveRows = {
  /** End of the newest chunk (stream seconds): the window's end. */
  end: number;
  settings: TDetectSettings;
  contextSummary: string | null;
  /** Processed segments reaching into the window: their transcript and stored signals (complete, preferred). */
  segments: (TSpan & { words: TWord[] | null; signals: TStoredSignals | null })[];
  /** DONE chunks reaching into the window; used where no processed segment covers the time. */
  chunks: (TSpan & { words: TWord[] | null; keywordHits: TKeywordHit[] | null; signals: TChunkSignals | null })[];
};

/** Joins silences that touch (a pause cut in two by a chunk boundary is one pause). */
export function mergeSilences(silences: TSpan[], gap = 0.05): TSpan[] {
  const out: TSpan[] = [];
  for (const s of [...silences].sort((a, b) => a.start - b.start)) {
    const last = out.at(-1);
    if (last && s.start <= last.end + gap) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** The detector's input for the window ending at `rows.end`: segment data where processed, chunk data after. */
export function liveWindow(rows: TLiveRows): TDetectInput {
  const window = liveDetectionRange(rows.end, rows.settings.maxClipSeconds);
  const segs = rows.segments.filter((s) => s.start < window.end && s.end > window.start);
  const chunks = rows.chunks.filter((c) => c.start < window.end && c.end > window.start);
  const bySegment = (t: number) => segs.some((s) => t >= s.start && t < s.end);
  const fromChunk = (t: number) => !bySegment(t);
  const inWindow = (t: number) => t >= window.start && t <= window.end;
  const words = [
    ...segs.flatMap((s) => s.words ?? []),
    ...chunks.flatMap((c) => c.words ?? []).filter((w) => fromChunk(w.s)),
  ];
  const loudness = [
    ...segs.flatMap((s) => s.signals?.loudness ?? []),
    ...chunks.flatMap((c) => c.signals?.loudness ?? []).filter((x) => fromChunk(x.t)),
  ];
  const keywordHits = [
    ...segs.flatMap((s) => s.signals?.keywordHits ?? []),
    ...chunks.flatMap((c) => c.keywordHits ?? []).filter((h) => fromChunk(h.t)),
  ];
  const silences = mergeSilences([
    ...segs.flatMap((s) => s.signals?.silences ?? []),
    ...chunks.flatMap((c) => c.signals?.silences ?? []).filter((s) => fromChunk((s.start + s.end) / 2)),
  ]);
  return {
    window,
    signals: {
      words: words.filter((w) => inWindow(w.s)).sort((a, b) => a.s - b.s),
      loudness: loudness.filter((x) => inWindow(x.t)).sort((a, b) => a.t - b.t),
      silences: silences.filter((s) => s.end >= window.start && s.start <= window.end),
      keywordHits: keywordHits.filter((h) => inWindow(h.t)).sort((a, b) => a.t - b.t),
    },
    // Every line so far: the live edge is after all of them.
    context: summaryBefore(rows.contextSummary, Number.POSITIVE_INFINITY),
    settings: rows.settings,
  };
}

/**
 * True once a candidate is a finished moment: it ends at least `settle` seconds before the window's end, or
 * it has reached the streamer's longest clip length (it cannot grow any more).
 */
export function hasMomentEnded(
  c: Pick<TCandidate, "start" | "end">,
  window: TWindow,
  maxClipSeconds: number,
  settle = SETTLE_SECONDS,
): boolean {
  return c.end <= window.end - settle || c.end - c.start >= maxClipSeconds - 0.5;
}

/**
 * The candidates the live edge emits: finished moments that reach past `processedUntil` (the end of the
 * closed, processed segments; what lies before it is the segments' to clip).
 */
export function liveCandidates<T extends Pick<TCandidate, "start" | "end">>(
  candidates: T[],
  window: TWindow,
  maxClipSeconds: number,
  processedUntil: number,
): T[] {
  return candidates.filter((c) => c.end > processedUntil && hasMomentEnded(c, window, maxClipSeconds));
}

/** Words per second over a stretch (the chunk's speech rate, stored with its signals). */
export function wordsPerSecond(words: TWord[], seconds: number): number {
  return seconds > 0 ? Math.round((words.length / seconds) * 100) / 100 : 0;
}
