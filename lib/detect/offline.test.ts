import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSampleStream, probeMedia } from "@/lib/media";
import type { TSampleStream } from "@/lib/media";
import { analyseSegment, concatSignals, segmentFile } from "@/test/fixtures/stream-signals";
import { detectOffline, isNearWindowEnd, mergeCandidates } from "./index";
import type { TCandidate, TDetectSettings, TSignals } from "./index";

let dir: string;
let info: TSampleStream;
let segments: { signals: TSignals; startOffset: number; duration: number }[];
let all: TSignals;

const settings: TDetectSettings = { minClipSeconds: 5, maxClipSeconds: 20, minScore: 40, keywords: ["gg"] };

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "clipstream-detect-test-"));
  const sample = path.join(dir, "sample.mp4");
  // The excited passage starts 3 s before the first segment boundary and runs into the second segment.
  info = await makeSampleStream({ out: sample, seconds: 60, excitedAt: 27 });
  const files = await segmentFile(sample, dir, 30);
  segments = [];
  let offset = 0;
  for (const f of files) {
    const duration = (await probeMedia(f)).duration;
    segments.push({ signals: await analyseSegment(f, offset, dir), startOffset: offset, duration });
    offset += duration;
  }
  all = concatSignals(segments.map((s) => s.signals));
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const covers = (c: TCandidate, a: number, b: number) => c.start <= a + 0.01 && c.end >= b - 0.01;

describe("offline detector", () => {
  it("ranks the excited passage first, covering it within the length limits, and explains why", () => {
    const out = detectOffline({ signals: all, window: { start: 0, end: 60 }, settings });
    expect(out.length).toBeGreaterThanOrEqual(1);
    const top = out[0];
    expect(covers(top, info.excitedStart, info.excitedEnd)).toBe(true);
    expect(top.end - top.start).toBeGreaterThanOrEqual(settings.minClipSeconds);
    expect(top.end - top.start).toBeLessThanOrEqual(settings.maxClipSeconds);
    expect(top.start).toBeLessThan(info.excitedStart); // a lead-in before the peak
    expect(Number.isInteger(top.score)).toBe(true);
    expect(top.score).toBeGreaterThanOrEqual(60);
    expect(top.score).toBeLessThanOrEqual(100);
    expect(top.engine).toBe("offline");
    expect(top.reason).toMatch(/^loudness \+\d+ LU above baseline; keywords: '[^']+'/);
    expect(top.title.length).toBeGreaterThan(3);
    expect(top.excerpt.length).toBeGreaterThan(10);
    expect(top.tags).toContain("loud");
    // Scores are ranked and overlapping candidates were merged.
    for (let i = 1; i < out.length; i++) {
      expect(out[i].score).toBeLessThanOrEqual(out[i - 1].score);
      for (let j = 0; j < i; j++)
        expect(Math.min(out[i].end, out[j].end) - Math.max(out[i].start, out[j].start)).toBeLessThanOrEqual(0);
    }
  });

  it("is deterministic", () => {
    const input = { signals: all, window: { start: 0, end: 60 }, settings };
    expect(detectOffline(input)).toEqual(detectOffline(structuredClone(input)));
  });

  it("finds nothing worth clipping in calm speech", () => {
    expect(detectOffline({ signals: all, window: { start: 0, end: 25 }, settings })).toEqual([]);
  });

  it("works on a short window and never leaves it", () => {
    const window = { start: 22, end: 36 };
    const out = detectOffline({ signals: all, window, settings: { ...settings, maxClipSeconds: 10 } });
    expect(out.length).toBeGreaterThanOrEqual(1);
    for (const c of out) {
      expect(c.start).toBeGreaterThanOrEqual(window.start);
      expect(c.end).toBeLessThanOrEqual(window.end);
      expect(c.end - c.start).toBeLessThanOrEqual(10);
      expect(c.end - c.start).toBeGreaterThanOrEqual(5);
    }
    expect(out[0].start).toBeLessThanOrEqual(info.excitedStart + 1);
  });

  it("detects a passage straddling two segments exactly once (carry window + hold-back + merge)", () => {
    // What lib/pipeline/segment-steps.ts does per segment.
    const carry = Math.min(settings.maxClipSeconds, 60);
    let known: TCandidate[] = [];
    const perSegment: TCandidate[][] = [];
    segments.forEach((seg, i) => {
      const window = { start: Math.max(0, seg.startOffset - carry), end: seg.startOffset + seg.duration };
      const inWindow = (t: number) => t >= window.start && t <= window.end;
      const parts = [segments[i - 1]?.signals, seg.signals].filter((p): p is TSignals => !!p);
      const s = concatSignals(parts);
      const signals: TSignals = {
        words: s.words.filter((w) => inWindow(w.s)),
        loudness: s.loudness.filter((x) => inWindow(x.t)),
        silences: s.silences.filter((x) => x.end >= window.start && x.start <= window.end),
        keywordHits: s.keywordHits.filter((k) => inWindow(k.t)),
      };
      const final = i === segments.length - 1;
      const candidates = detectOffline({ signals, window, settings });
      const ready = final ? candidates : candidates.filter((c) => !isNearWindowEnd(c, window, 3));
      const fresh = mergeCandidates(known, ready).filter(
        (c) => !known.some((k) => Math.min(k.end, c.end) - Math.max(k.start, c.start) > 0),
      );
      perSegment.push(fresh);
      known = [...known, ...fresh];
    });
    // The first segment sees only the start of the moment and holds it back; the second clips it whole.
    expect(perSegment[0].some((c) => c.end > info.excitedStart)).toBe(false);
    const hits = known.filter((c) => c.end > info.excitedStart && c.start < info.excitedEnd);
    expect(hits).toHaveLength(1);
    expect(covers(hits[0], info.excitedStart, info.excitedEnd)).toBe(true);
  });
});

describe("window helpers", () => {
  const c = (start: number, end: number, score: number, title = `${start}`): TCandidate => ({
    start,
    end,
    score,
    title,
    hook: "",
    reason: "r",
    tags: [],
    engine: "offline",
    excerpt: "",
  });

  it("isNearWindowEnd", () => {
    const w = { start: 0, end: 30 };
    expect(isNearWindowEnd(c(20, 27.5, 50), w, 3)).toBe(true);
    expect(isNearWindowEnd(c(20, 30, 50), w, 3)).toBe(true);
    expect(isNearWindowEnd(c(20, 26.9, 50), w, 3)).toBe(false);
  });

  it("mergeCandidates keeps existing clips, drops overlapping incoming ones, keeps the best of overlapping incoming", () => {
    const existing = [c(10, 20, 40, "old")];
    const incoming = [c(15, 25, 90, "dup of old"), c(40, 50, 60, "a"), c(45, 55, 70, "b"), c(60, 65, 30, "c")];
    expect(mergeCandidates(existing, incoming).map((x) => x.title)).toEqual(["old", "b", "c"]);
    expect(mergeCandidates([], [c(0, 5, 50, "x"), c(5, 10, 50, "y")]).map((x) => x.title)).toEqual(["x", "y"]); // touching is not overlapping
    expect(mergeCandidates([], [])).toEqual([]);
  });
});

describe("offline detector: a loud burst ends where the loudness is back at the baseline", () => {
  /**
   * Synthetic signals modelled on bench:detect's recording with the moment at 44 s: calm speech at -30 LUFS, a
   * pause, a shouted burst at -14 LUFS from 44 to 51 s, then calm speech again in which keyword spotting
   * mishears "what" / "wow" at 53 s while the speaker talks fast. Before the fix the weaker keyword peak grew
   * back over the burst and the clip ran on to 55.5 s.
   */
  function signals(opts: { misheardAfter: boolean }): TSignals {
    const loudness = Array.from({ length: 600 }, (_, i) => {
      const t = 30 + i * 0.05;
      const lufs = t >= 42.6 && t < 44 ? -51 : t >= 44 && t < 51 ? -14 : t >= 55.5 && t < 56.6 ? -51 : -30;
      return { t: Math.round(t * 100) / 100, lufs };
    });
    const words = [
      ...Array.from({ length: 16 }, (_, i) => ({ w: "calm", s: 30 + i * 0.75, e: 30.5 + i * 0.75 })),
      ...["oh", "my", "god", "no", "way", "lets", "go", "insane", "oh", "my", "god"].map((w, i) => ({
        w,
        s: 44 + i * 0.6,
        e: 44.5 + i * 0.6,
      })),
      // Faster talk after the burst: 4 words per second.
      ...Array.from({ length: 14 }, (_, i) => ({ w: "talk", s: 51.8 + i * 0.25, e: 52 + i * 0.25 })),
    ];
    const keywordHits = [
      { phrase: "oh my god", t: 44 },
      { phrase: "no way", t: 45.8 },
      { phrase: "lets go", t: 47 },
      { phrase: "insane", t: 48.2 },
      { phrase: "oh my god", t: 48.8 },
      ...(opts.misheardAfter
        ? [
            { phrase: "what", t: 52.94 },
            { phrase: "wow", t: 52.94 },
          ]
        : []),
    ];
    return {
      words,
      loudness,
      keywordHits,
      silences: [
        { start: 42.6, end: 44 },
        { start: 55.5, end: 56.6 },
      ],
    };
  }

  it.each([
    ["with misheard keywords in the calm speech after it", true],
    ["without them", false],
  ])("%s: one clip, starting at the pause before the burst, ending shortly after it", (_name, misheardAfter) => {
    const out = detectOffline({
      signals: signals({ misheardAfter }),
      window: { start: 30, end: 60 },
      settings: { minClipSeconds: 10, maxClipSeconds: 30, minScore: 40, keywords: [] },
    });
    const burst = out.filter((c) => c.start < 51 && c.end > 44);
    expect(burst).toHaveLength(1);
    expect(burst[0].start).toBeGreaterThanOrEqual(41);
    expect(burst[0].start).toBeLessThanOrEqual(44);
    expect(burst[0].end).toBeGreaterThanOrEqual(51);
    expect(burst[0].end).toBeLessThanOrEqual(53);
    expect(burst[0].end - burst[0].start).toBeGreaterThanOrEqual(10 - 0.01);
  });
});
