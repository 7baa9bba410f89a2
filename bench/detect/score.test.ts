import { describe, expect, it } from "vitest";
import { activityFor } from "./session";
import { scoreSet } from "./score";

describe("scoreSet", () => {
  it("counts every clip of a recording without a labelled moment (a control) as a false positive", () => {
    const s = scoreSet(
      [
        { seconds: 60, moments: [{ start: 14, end: 18 }], clips: [{ start: 10, end: 25, score: 60 }] },
        { seconds: 60, moments: [], clips: [{ start: 0, end: 15, score: 45 }] },
      ],
      15,
    );
    expect(s).toMatchObject({ moments: 1, clips: 2, truePositives: 1, precision: 0.5, recall: 1, precisionAtK: 1 });
    expect(s.falsePositivesPerStreamHour).toBe(30);
  });

  it("gives no recall or precision@K for a set of controls only, and precision 0 for their clips", () => {
    const s = scoreSet([{ seconds: 60, moments: [], clips: [{ start: 0, end: 15, score: 45 }] }], 15);
    expect(s).toMatchObject({ moments: 0, clips: 1, precision: 0, recall: null, f1: null, precisionAtK: null });
  });
});

describe("activityFor", () => {
  it("reads the window's seconds and the lookback before it, as readActivity does", () => {
    const track = [0, 100, 399, 400, 429, 430].map((t) => ({
      t,
      trades: 1,
      buys: 1,
      netBuySol: 0.1,
      marketCap: null,
      chat: 0,
    }));
    const a = activityFor(track, { start: 400.5, end: 429.2 });
    expect(a.from).toBe(100);
    expect(a.to).toBe(430);
    expect(a.seconds.map((s) => s.t)).toEqual([100, 399, 400, 429]);
  });
});
