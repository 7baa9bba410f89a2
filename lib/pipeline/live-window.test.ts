import { describe, expect, it } from "vitest";
import { detectOffline, type TCandidate } from "@/lib/detect";
import {
  hasMomentEnded,
  liveCandidates,
  liveDetectionRange,
  liveWindow,
  mergeSilences,
  wordsPerSecond,
  type TLiveRows,
} from "./live-window";

/** Everything here is pure: rows as live-detect.ts reads them, no database. */
const settings = { minClipSeconds: 8, maxClipSeconds: 20, minScore: 40, keywords: [] as string[] };
const word = (w: string, s: number) => ({ w, s, e: s + 0.3 });

/**
 * A synthetic stream: calm speech at −30 LUFS and 2 words/s, with an excited passage (−12 LUFS, 5 words/s,
 * "oh my god" at its start) over [16, 22); cut into 5 s chunks as the recorder sends them.
 */
function chunkAt(start: number, seconds = 5) {
  const end = start + seconds;
  const excited = (t: number) => t >= 16 && t < 22;
  const loudness = [];
  for (let t = start + 0.4; t < end - 1e-9; t += 0.1) loudness.push({ t: +t.toFixed(1), lufs: excited(t) ? -12 : -30 });
  const words = [];
  for (let t = start; t < end - 1e-9; t += 0.5) if (!excited(t)) words.push(word("calm", t));
  for (let t = Math.max(start, 16); t < Math.min(end, 22) - 1e-9; t += 0.2) words.push(word("yes", t));
  const keywordHits = start <= 16 && 16 < end ? [{ phrase: "oh my god", t: 16.1 }] : [];
  return {
    start,
    end,
    words,
    keywordHits,
    signals: { loudness, silences: [], wordsPerSecond: wordsPerSecond(words, seconds) },
  };
}

const rowsUpTo = (end: number, over: Partial<TLiveRows> = {}): TLiveRows => ({
  end,
  settings,
  contextSummary: "#0 0:00–0:30: earlier",
  segments: [],
  chunks: Array.from({ length: end / 5 }, (_, i) => chunkAt(i * 5)),
  ...over,
});

describe("live window", () => {
  it("spans the longest clip plus the carry, ending at the newest chunk, never before 0", () => {
    expect(liveDetectionRange(100, 20)).toEqual({ start: 60, end: 100 });
    expect(liveDetectionRange(30, 20)).toEqual({ start: 0, end: 30 });
    // The carry is at most 60 s, as for segments.
    expect(liveDetectionRange(500, 90)).toEqual({ start: 350, end: 500 });
  });

  it("reads chunk data where no processed segment covers the time, segment data where one does", () => {
    const segWords = [word("segment", 21), word("edge", 29.9)];
    const input = liveWindow(
      rowsUpTo(40, {
        segments: [
          {
            start: 0,
            end: 30,
            words: segWords,
            signals: { loudness: [{ t: 25, lufs: -5 }], silences: [{ start: 28, end: 29 }], keywordHits: [] },
          },
        ],
      }),
    );
    expect(input.window).toEqual({ start: 0, end: 40 });
    expect(input.signals.words.filter((w) => w.s < 30)).toEqual(segWords);
    expect(input.signals.words.filter((w) => w.s >= 30).every((w) => w.w === "calm")).toBe(true);
    expect(input.signals.loudness.filter((x) => x.t < 30)).toEqual([{ t: 25, lufs: -5 }]);
    expect(input.signals.loudness.filter((x) => x.t >= 30).length).toBeGreaterThan(80);
    expect(input.signals.silences).toEqual([{ start: 28, end: 29 }]);
    // Every summary line so far is context: the live edge comes after all of them.
    expect(input.context).toBe("#0 0:00–0:30: earlier");
    expect(input.settings).toBe(settings);
  });

  it("joins a pause that a chunk boundary cut in two", () => {
    expect(
      mergeSilences([
        { start: 9.2, end: 10 },
        { start: 3, end: 3.5 },
        { start: 10, end: 10.6 },
      ]),
    ).toEqual([
      { start: 3, end: 3.5 },
      { start: 9.2, end: 10.6 },
    ]);
  });

  it("counts a moment as over once it ends a settle time before the window's end, or reached the longest clip", () => {
    const w = { start: 0, end: 40 };
    expect(hasMomentEnded({ start: 10, end: 38 }, w, 60)).toBe(true);
    expect(hasMomentEnded({ start: 10, end: 38.5 }, w, 60)).toBe(false);
    expect(hasMomentEnded({ start: 20, end: 40 }, w, 20)).toBe(true);
    // Before the processed segments' end it is theirs to clip.
    expect(liveCandidates([{ start: 10, end: 30 }], w, 60, 30)).toEqual([]);
    expect(liveCandidates([{ start: 10, end: 31 }], w, 60, 30)).toEqual([{ start: 10, end: 31 }]);
  });

  it("emits the excited passage once, whole, after it has ended, though it crosses a chunk boundary", () => {
    const emitted: { at: number; clip: TCandidate }[] = [];
    for (let end = 5; end <= 45; end += 5) {
      const input = liveWindow(rowsUpTo(end));
      const ready = liveCandidates(detectOffline(input), input.window, settings.maxClipSeconds, 0);
      // As insert-detected-clips does: a moment overlapping a clip the session has is not clipped again.
      for (const c of ready)
        if (!emitted.some((e) => Math.min(e.clip.end, c.end) > Math.max(e.clip.start, c.start)))
          emitted.push({ at: end, clip: c });
    }
    expect(emitted).toHaveLength(1);
    const [{ at, clip }] = emitted;
    // The passage ends at 22 s (inside the chunk 20–25): the chunk ending at 25 s already shows it is over.
    expect(at).toBe(25);
    expect(clip.start).toBeLessThanOrEqual(16);
    expect(clip.end).toBeGreaterThanOrEqual(22);
    expect(clip.end - clip.start).toBeGreaterThanOrEqual(8);
    expect(clip.end - clip.start).toBeLessThanOrEqual(20);
    expect(clip.reason).toMatch(/loud/);
  });
});
