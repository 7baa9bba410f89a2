import { describe, expect, it } from "vitest";
import { isNearWindowEnd, mergeCandidates } from "./index";
import type { TCandidate, TWindow } from "./types";

const c = (
  start: number,
  end: number,
  score: number,
  title = `${start}-${end}`,
  engine: TCandidate["engine"] = "groq",
): TCandidate => ({
  start,
  end,
  score,
  title,
  hook: "",
  reason: "r",
  tags: [],
  engine,
  excerpt: "",
});

/** The per-segment rule of lib/pipeline/segment-steps.ts: hold back near the end unless final, then merge. */
function step(known: TCandidate[], candidates: TCandidate[], window: TWindow, final: boolean): TCandidate[] {
  const ready = final ? candidates : candidates.filter((x) => !isNearWindowEnd(x, window, 3));
  return mergeCandidates(known, ready).filter(
    (x) => !known.some((k) => Math.min(k.end, x.end) - Math.max(k.start, x.start) > 0),
  );
}

describe("a moment crossing a segment boundary becomes one clip", () => {
  it("held back at the end of segment 1, clipped whole from segment 2's window", () => {
    // Segment 1 = [0, 30): sees only the start of a moment at 27–36.
    const s1 = step([], [c(8, 20, 70, "early"), c(26, 30, 80, "cut-off")], { start: 0, end: 30 }, false);
    expect(s1.map((x) => x.title)).toEqual(["early"]);
    // Segment 2 = [30, 60) with the carry window from 0: the moment seen whole, twice (two phrasings); best one wins.
    const s2 = step(
      s1,
      [c(9, 19, 60, "early again"), c(25, 38, 85, "whole"), c(27, 36, 70, "whole, tighter"), c(50, 59, 90, "late")],
      { start: 0, end: 60 },
      false,
    );
    expect(s2.map((x) => x.title)).toEqual(["whole"]);
    // Segment 3 (final) sees the held-back "late" one and the already clipped moment again.
    const s3 = step(
      [...s1, ...s2],
      [c(26, 37, 99, "whole seen a third time"), c(50, 61, 90, "late")],
      { start: 30, end: 75 },
      true,
    );
    expect(s3.map((x) => [x.title, x.start, x.end])).toEqual([["late", 50, 61]]);
    const all = [...s1, ...s2, ...s3];
    expect(all.filter((x) => x.start < 36 && x.end > 27)).toHaveLength(1);
  });

  it("touching clips are both kept; any overlap keeps only the earlier-stored one", () => {
    expect(step([c(20, 30, 50, "a")], [c(30, 40, 50, "b")], { start: 0, end: 60 }, true).map((x) => x.title)).toEqual([
      "b",
    ]);
    expect(step([c(20, 30, 50, "a")], [c(29.9, 40, 100, "b")], { start: 0, end: 60 }, true)).toEqual([]);
  });

  it("a final segment keeps a moment running into its end", () => {
    expect(step([], [c(50, 60, 70)], { start: 30, end: 60 }, true)).toHaveLength(1);
    expect(step([], [c(50, 60, 70)], { start: 30, end: 60 }, false)).toHaveLength(0);
  });
});
