import fs from "node:fs/promises";
import path from "node:path";
import pLimit from "p-limit";
import type { Detector, TActivity, TActivitySecond, TCandidate, TDetectSettings, TWindow } from "@/lib/detect";
import { isNearWindowEnd, mergeCandidates } from "@/lib/detect";
import { ACTIVITY_LOOKBACK_SECONDS } from "@/lib/detect/activity";
import { analyseAudio, detectSilences, measureLoudness } from "@/lib/media";
import { writeWavSlice } from "@/lib/media/wav";
import { DEFAULT_KEYWORDS } from "@/lib/pipeline/keywords";
import { detectionRange, detectionWindow } from "@/lib/pipeline/load-detection-window";
import { liveCandidates, liveWindow, type TChunkSignals, wordsPerSecond } from "@/lib/pipeline/live-window";
import type { TStoredSignals } from "@/lib/pipeline/stored-signals";
import { spotKeywords, type TKeywordHit, type Transcriber, type TWord } from "@/lib/transcribe";

/**
 * A recorded session in memory, the way the pipeline sees it: the live edge's 5-s audio chunks (words, keyword
 * hits, momentary loudness without its first 0.4 s, silences: transcribeAudioChunk), the closed segments'
 * signals measured over the whole segment with the chunks' words and hits (analyseSegmentAudio,
 * transcribeSegment), and the detection that runs on them: live detection after every chunk (liveWindow,
 * liveCandidates) and segment detection at each close (detectionWindow, hold-back), with the clip table's
 * rules (an overlapping candidate adds no clip; a segment attaches and refines the live clips it matches).
 * A pump.fun recording's activity track reaches both as `readActivity` gives it: the window's seconds plus
 * ACTIVITY_LOOKBACK_SECONDS before it.
 * Only the database and the renders are left out; every detection function is the pipeline's own.
 */

export const CHUNK_SECONDS = 5;
const MOMENTARY_WINDOW = 0.4;
const HOLD_BACK_SECONDS = 3;
const REFINE_MIN_SECONDS = 1;

export type TChunkRow = {
  start: number;
  end: number;
  words: TWord[];
  keywordHits: TKeywordHit[];
  signals: TChunkSignals;
};
export type TSegmentRow = { number: number; start: number; end: number; words: TWord[]; signals: TStoredSignals };
export type TAnalysed = { chunks: TChunkRow[]; segments: TSegmentRow[] };

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Analyses a recording's chunks and segments with `transcriber` (two at a time), as the pipeline does. */
export async function analyseSession(
  rec: { wav: string; seconds: number; segmentSeconds: number },
  transcriber: Transcriber,
  workDir: string,
  keywords: string[] = DEFAULT_KEYWORDS,
): Promise<TAnalysed> {
  await fs.mkdir(workDir, { recursive: true });
  const limit = pLimit(2);
  const starts = Array.from({ length: Math.ceil(rec.seconds / CHUNK_SECONDS) }, (_, i) => i * CHUNK_SECONDS);
  const chunks = await Promise.all(
    starts.map((at) =>
      limit(async (): Promise<TChunkRow> => {
        const file = path.join(workDir, `chunk-${at}.wav`);
        const seconds = await writeWavSlice(rec.wav, file, at, Math.min(rec.seconds, at + CHUNK_SECONDS));
        const [t, hits, measured] = await Promise.all([
          transcriber.transcribe(file, { offset: at, keywords }),
          spotKeywords(file, keywords),
          analyseAudio(file),
        ]);
        await fs.rm(file, { force: true });
        return {
          start: at,
          end: r3(at + seconds),
          words: t.words,
          keywordHits: hits.map((h) => ({ ...h, t: r3(h.t + at) })),
          signals: {
            loudness: measured.loudness
              .filter((x) => x.t >= MOMENTARY_WINDOW)
              .map((x) => ({ t: r3(x.t + at), lufs: x.lufs })),
            silences: measured.silences.map((x) => ({ start: r3(x.start + at), end: r3(x.end + at) })),
            wordsPerSecond: wordsPerSecond(t.words, seconds),
            mode: "full",
          },
        };
      }),
    ),
  );
  const segments: TSegmentRow[] = [];
  for (let n = 0; n * rec.segmentSeconds < rec.seconds; n++) {
    const start = n * rec.segmentSeconds;
    const end = Math.min(rec.seconds, start + rec.segmentSeconds);
    const file = path.join(workDir, `segment-${n}.wav`);
    await writeWavSlice(rec.wav, file, start, end);
    const [loudness, silences] = await Promise.all([measureLoudness(file), detectSilences(file)]);
    await fs.rm(file, { force: true });
    const mine = (c: TChunkRow) => c.start < end && c.end > start;
    const inSeg = (t: number) => t >= start && t < end;
    segments.push({
      number: n,
      start,
      end,
      words: chunks.filter(mine).flatMap((c) => c.words.filter((w) => inSeg((w.s + w.e) / 2))),
      signals: {
        loudness: loudness.map((x) => ({ t: r3(x.t + start), lufs: x.lufs })),
        silences: silences.map((s) => ({ start: r3(s.start + start), end: r3(s.end + start) })),
        keywordHits: chunks.filter(mine).flatMap((c) => c.keywordHits.filter((h) => inSeg(h.t))),
      },
    });
  }
  return { chunks, segments };
}

/** `at`: the stream time whose audio was in when the clip was made (the chunk's or the segment's end). */
export type TSimClip = TCandidate & { origin: "LIVE" | "SEGMENT"; segment: number | null; at: number };

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  Math.min(a.end, b.end) - Math.max(a.start, b.start) > 0;

/** Adds the candidates no clip overlaps (insertDetectedClips' merge), returns the new clips. */
function insert(
  clips: TSimClip[],
  candidates: TCandidate[],
  knownSince: number,
  origin: TSimClip["origin"],
  segment: number | null,
  at: number,
) {
  const known = clips.filter((c) => c.end >= knownSince);
  const fresh = mergeCandidates(known, candidates).filter((c) => !known.some((k) => overlaps(k, c)));
  clips.push(...fresh.map((c) => ({ ...c, origin, segment, at })));
}

/** lib/pumpfun/read-activity.ts's range read, over a recording's track in memory. */
export function activityFor(track: TActivitySecond[], window: TWindow): TActivity {
  const from = Math.max(0, Math.floor(window.start - ACTIVITY_LOOKBACK_SECONDS));
  const to = Math.ceil(window.end);
  return { from, to, seconds: track.filter((s) => s.t >= from && s.t < to).sort((x, y) => x.t - y.t) };
}

/**
 * Runs a session's detection in the pipeline's order: after each chunk its live detection; when a segment's
 * last chunk is in, that segment's detection (the last one keeps what runs into the end). Returns the clips.
 * `activity`: a pump.fun recording's coin activity (absent: a stream of another kind).
 */
export async function simulateSession(
  a: TAnalysed,
  detector: Detector,
  settings: TDetectSettings,
  activity?: TActivitySecond[],
): Promise<TSimClip[]> {
  const clips: TSimClip[] = [];
  const done: TSegmentRow[] = [];
  let nextSegment = 0;
  const last = a.segments.length - 1;
  for (const [k, chunk] of a.chunks.entries()) {
    const seen = a.chunks.slice(0, k + 1);
    const input = liveWindow({
      end: chunk.end,
      settings,
      contextSummary: null,
      segments: done.map((s) => ({ start: s.start, end: s.end, words: s.words, signals: s.signals })),
      chunks: seen.map((c) => ({
        start: c.start,
        end: c.end,
        words: c.words,
        keywordHits: c.keywordHits,
        signals: c.signals,
      })),
    });
    if (activity) input.signals.activity = activityFor(activity, input.window);
    const candidates = await detector.detect(input);
    const processedUntil = Math.max(0, ...done.map((s) => s.end));
    const ready = liveCandidates(candidates, input.window, settings.maxClipSeconds, processedUntil);
    insert(clips, ready, input.window.start - settings.maxClipSeconds, "LIVE", null, chunk.end);
    while (nextSegment <= last && a.segments[nextSegment].end <= chunk.end + 1e-6) {
      await detectSegment(a, nextSegment, detector, settings, clips, activity);
      done.push(a.segments[nextSegment]);
      nextSegment++;
    }
  }
  return clips.sort((x, y) => x.start - y.start);
}

async function detectSegment(
  a: TAnalysed,
  n: number,
  detector: Detector,
  settings: TDetectSettings,
  clips: TSimClip[],
  activity?: TActivitySecond[],
) {
  const seg = a.segments[n];
  const final = n === a.segments.length - 1;
  const span = (s: TSegmentRow) => ({ number: s.number, startOffset: s.start, duration: s.end - s.start });
  const { input, lastOfStream } = detectionWindow({
    segment: { ...span(seg), final },
    streamer: { ...settings, customPrompt: settings.customPrompt ?? null },
    session: { status: final ? "ENDED" : "RECORDING", contextSummary: null },
    lastNumber: n,
    earlier: a.segments.slice(0, n).map((s) => ({ ...span(s), words: s.words })),
    words: seg.words,
    signals: new Map(a.segments.slice(0, n + 1).map((s) => [s.number, s.signals])),
    ...(activity ? { activity: activityFor(activity, detectionRange(span(seg), settings.maxClipSeconds)) } : {}),
  });
  const candidates = await detector.detect(input);
  const ready = lastOfStream
    ? candidates
    : candidates.filter((c) => !isNearWindowEnd(c, input.window, HOLD_BACK_SECONDS));
  const heldBack = candidates.filter((c) => !ready.includes(c));
  const knownSince = input.window.start - settings.maxClipSeconds;
  const known = clips.filter((c) => c.end >= knownSince).map((c) => ({ ...c }));
  // Reconcile: a candidate overlapping an unattached live clip attaches it, moving its edges if they differ.
  const live = clips.filter((c) => c.origin === "LIVE" && c.segment === null);
  const handled = new Set<TSimClip>();
  for (const c of [...ready].sort((x, y) => y.score - x.score || x.start - y.start)) {
    const l = live.find((x) => !handled.has(x) && overlaps(x, c));
    if (!l) continue;
    handled.add(l);
    l.segment = n;
    if (Math.abs(l.start - c.start) > REFINE_MIN_SECONDS || Math.abs(l.end - c.end) > REFINE_MIN_SECONDS)
      Object.assign(l, { start: c.start, end: c.end });
  }
  const segmentEnd = lastOfStream ? Infinity : input.window.end;
  for (const l of live)
    if (!handled.has(l) && l.end <= segmentEnd && !heldBack.some((h) => overlaps(h, l))) l.segment = n;
  // New clips: those no clip known before this run overlaps (insertDetectedClips reads them first).
  const fresh = mergeCandidates(known, ready).filter((c) => !known.some((k) => overlaps(k, c)));
  clips.push(...fresh.map((c) => ({ ...c, origin: "SEGMENT" as const, segment: n, at: seg.end })));
}
