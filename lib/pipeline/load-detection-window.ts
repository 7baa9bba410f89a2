import { prisma } from "@/lib/db";
import type { TActivity, TDetectInput, TWindow } from "@/lib/detect";
import { readActivity } from "@/lib/pumpfun/read-activity";
import { summaryBefore } from "@/lib/detect/summarize";
import type { TWord } from "@/lib/transcribe";
import type { TClipTarget } from "./insert-detected-clips";
import { readSignals, type TStoredSignals } from "./stored-signals";

/** A detection window carries at most this much of the segments before it (seconds). */
const MAX_CARRY_SECONDS = 60;

type TSpan = { number: number; startOffset: number; duration: number };

/** What detection reads for one segment: its rows, the earlier segments' words and the stored signals. */
export type TDetectionRows = {
  segment: TSpan & { final: boolean };
  streamer: {
    minClipSeconds: number;
    maxClipSeconds: number;
    minScore: number;
    keywords: string[];
    customPrompt: string | null;
  };
  session: { status: string; contextSummary: string | null };
  /** The highest segment number the session has so far. */
  lastNumber: number | null;
  /** Earlier segments of the session in number order; those outside the window are ignored. */
  earlier: (TSpan & { words: TWord[] | null })[];
  /** The segment's own transcript words (null: no transcript). */
  words: TWord[] | null;
  /** Stored signals by segment number; a missing or null entry contributes nothing. */
  signals: Map<number, TStoredSignals | null>;
  /** A pump.fun session's coin activity around the window (absent for other streams). */
  activity?: TActivity;
};

/** The detector's input, and whether nothing will follow this window (then nothing is held back). */
export type TDetectionWindow = { input: TDetectInput; lastOfStream: boolean };

/** How much of what came before a detection window carries: the streamer's maximum clip length, at most 60 s. */
export function carrySeconds(maxClipSeconds: number): number {
  return Math.min(maxClipSeconds, MAX_CARRY_SECONDS);
}

/** The segment plus the tail of the ones before it (carrySeconds). */
export function detectionRange(segment: TSpan, maxClipSeconds: number): TWindow {
  const carry = carrySeconds(maxClipSeconds);
  return { start: Math.max(0, segment.startOffset - carry), end: segment.startOffset + segment.duration };
}

/** The earlier segments that reach into the window: they contribute their signals and words. */
export function coveringEarlier<T extends TSpan>(segment: TSpan, earlier: T[], window: TWindow): T[] {
  return earlier.filter(
    (e) => e.number < segment.number && e.startOffset < window.end && e.startOffset + e.duration > window.start,
  );
}

/**
 * Pure: the window the detector sees for a segment (so a moment crossing the boundary is seen whole), its
 * words and signals in that window sorted by time, the rolling summary of the segments before it and the
 * streamer's clip settings.
 */
export function detectionWindow(rows: TDetectionRows): TDetectionWindow {
  const { segment, streamer, session } = rows;
  const window = detectionRange(segment, streamer.maxClipSeconds);
  const earlier = coveringEarlier(segment, rows.earlier, window);
  const parts = [...earlier, segment].map((c) => rows.signals.get(c.number) ?? null);
  const words = [...earlier.flatMap((e) => e.words ?? []), ...(rows.words ?? [])];
  const inWindow = (t: number) => t >= window.start && t <= window.end;
  const input: TDetectInput = {
    window,
    signals: {
      words: words.filter((w) => inWindow(w.s)).sort((a, b) => a.s - b.s),
      loudness: parts
        .flatMap((p) => p?.loudness ?? [])
        .filter((x) => inWindow(x.t))
        .sort((a, b) => a.t - b.t),
      silences: parts
        .flatMap((p) => p?.silences ?? [])
        .filter((s) => s.end >= window.start && s.start <= window.end)
        .sort((a, b) => a.start - b.start),
      keywordHits: parts
        .flatMap((p) => p?.keywordHits ?? [])
        .filter((k) => inWindow(k.t))
        .sort((a, b) => a.t - b.t),
      ...(rows.activity ? { activity: rows.activity } : {}),
    },
    context: summaryBefore(session.contextSummary, segment.number),
    settings: {
      minClipSeconds: streamer.minClipSeconds,
      maxClipSeconds: streamer.maxClipSeconds,
      minScore: streamer.minScore,
      keywords: streamer.keywords,
      customPrompt: streamer.customPrompt ?? undefined,
    },
  };
  return {
    input,
    lastOfStream: segment.final || (session.status !== "RECORDING" && rows.lastNumber === segment.number),
  };
}

const wordsOf = (t: { words: unknown } | null) => (t?.words as TWord[] | undefined) ?? null;

/** Reads the rows of `detectionWindow` for a segment; also returns where its clips go. */
export async function loadDetectionWindow(
  segmentId: string,
): Promise<{ target: TClipTarget; window: TDetectionWindow }> {
  const seg = await prisma.segment.findUniqueOrThrow({
    where: { id: segmentId },
    include: { session: { include: { streamer: true } }, transcript: { select: { words: true } } },
  });
  const { session } = seg;
  const range = detectionRange(seg, session.streamer.maxClipSeconds);
  const earlier = await prisma.segment.findMany({
    where: { sessionId: seg.sessionId, number: { lt: seg.number }, startOffset: { lt: range.end } },
    select: { number: true, startOffset: true, duration: true, transcript: { select: { words: true } } },
    orderBy: { number: "asc" },
  });
  const covering = [...coveringEarlier(seg, earlier, range), seg];
  const [parts, last, activity] = await Promise.all([
    Promise.all(covering.map((c) => readSignals(seg.sessionId, c.number))),
    prisma.segment.aggregate({ where: { sessionId: seg.sessionId }, _max: { number: true } }),
    session.streamer.kind === "PUMPFUN" ? readActivity(seg.sessionId, range) : undefined,
  ]);
  const window = detectionWindow({
    segment: seg,
    streamer: session.streamer,
    session,
    lastNumber: last._max.number,
    earlier: earlier.map((e) => ({ ...e, words: wordsOf(e.transcript) })),
    words: wordsOf(seg.transcript),
    signals: new Map(covering.map((c, i) => [c.number, parts[i]])),
    activity,
  });
  return {
    target: { segmentId: seg.id, userId: seg.userId, sessionId: seg.sessionId, streamerId: session.streamerId },
    window,
  };
}
