import { describe, expect, it } from "vitest";
import type { TStoredSignals } from "./stored-signals";
import { detectionRange, detectionWindow, type TDetectionRows } from "./load-detection-window";

/** detectionWindow is pure: these rows are what loadDetectionWindow reads, no database involved. */
const streamer = { minClipSeconds: 10, maxClipSeconds: 20, minScore: 40, keywords: ["gg"], customPrompt: null };
const word = (w: string, s: number) => ({ w, s, e: s + 0.3 });
const signals = (t: number[]): TStoredSignals => ({
  loudness: t.map((x) => ({ t: x, lufs: -20 })),
  silences: t.map((x) => ({ start: x, end: x + 1 })),
  keywordHits: t.map((x) => ({ phrase: "gg", t: x })),
});

/** Segment 2 = [60, 90) of a 30 s-segment session; segment 0 ends before its 20 s carry, segment 1 reaches in. */
function rows(over: Partial<TDetectionRows> = {}): TDetectionRows {
  return {
    segment: { number: 2, startOffset: 60, duration: 30, final: false },
    streamer,
    session: { status: "RECORDING", contextSummary: "#0 0:00–0:30: zero\n#1 0:30–1:00: one\n#2 1:00–1:30: two" },
    lastNumber: 2,
    earlier: [
      { number: 0, startOffset: 0, duration: 30, words: [word("old", 29)] },
      { number: 1, startOffset: 30, duration: 30, words: [word("tail", 45), word("before", 39)] },
    ],
    words: [word("now", 61), word("late", 89.9)],
    signals: new Map([
      [0, signals([29])],
      [1, signals([45, 30])],
      [2, signals([88, 61])],
    ]),
    ...over,
  };
}

describe("detectionWindow", () => {
  it("carries the streamer's maximum clip length (at most 60 s, never before 0) of the earlier segments", () => {
    expect(detectionRange({ number: 2, startOffset: 60, duration: 30 }, 20)).toEqual({ start: 40, end: 90 });
    expect(detectionRange({ number: 2, startOffset: 200, duration: 30 }, 90)).toEqual({ start: 140, end: 230 });
    expect(detectionRange({ number: 0, startOffset: 5, duration: 30 }, 20)).toEqual({ start: 0, end: 35 });
  });

  it("sees the words and signals of the window only, sorted by time; segments outside it add nothing", () => {
    const { input } = detectionWindow(rows());
    expect(input.window).toEqual({ start: 40, end: 90 });
    expect(input.signals.words.map((w) => w.w)).toEqual(["tail", "now", "late"]);
    expect(input.signals.loudness.map((x) => x.t)).toEqual([45, 61, 88]);
    // A silence counts when any part of it is in the window (39.5–40.5 would; 30–31 does not).
    expect(input.signals.silences.map((x) => x.start)).toEqual([45, 61, 88]);
    expect(input.signals.keywordHits.map((x) => x.t)).toEqual([45, 61, 88]);
    const edge = detectionWindow(
      rows({ signals: new Map([[1, { ...signals([]), silences: [{ start: 39.5, end: 40.5 }] }]]) }),
    );
    expect(edge.input.signals.silences).toEqual([{ start: 39.5, end: 40.5 }]);
  });

  it("gives the summary lines of earlier segments and the streamer's settings", () => {
    const { input } = detectionWindow(rows());
    expect(input.context).toBe("#0 0:00–0:30: zero\n#1 0:30–1:00: one");
    expect(input.settings).toEqual({
      minClipSeconds: 10,
      maxClipSeconds: 20,
      minScore: 40,
      keywords: ["gg"],
      customPrompt: undefined,
    });
    expect(
      detectionWindow(rows({ session: { status: "RECORDING", contextSummary: null } })).input.context,
    ).toBeUndefined();
  });

  it("reads no transcript or signals as nothing, not an error", () => {
    const { input } = detectionWindow(rows({ words: null, earlier: [], signals: new Map() }));
    expect(input.signals).toEqual({ words: [], loudness: [], silences: [], keywordHits: [] });
  });

  it.each([
    ["recording", { status: "RECORDING" }, 2, false, false],
    ["the recorder's final segment", { status: "RECORDING" }, 2, true, true],
    ["ended, last segment", { status: "ENDED" }, 2, false, true],
    ["ended, a later segment exists", { status: "ENDED" }, 3, false, false],
    ["failed, last segment", { status: "FAILED" }, 2, false, true],
  ] as const)("last of the stream: %s", (_name, session, lastNumber, final, expected) => {
    const r = rows({
      session: { ...session, contextSummary: null },
      lastNumber,
      segment: { number: 2, startOffset: 60, duration: 30, final },
    });
    expect(detectionWindow(r).lastOfStream).toBe(expected);
  });
});

describe("detectionWindow with a pump.fun session's coin activity", () => {
  it("passes the activity read for the window to the detector, and none when there is none", () => {
    const activity = {
      from: 0,
      to: 90,
      seconds: [{ t: 70, trades: 5, buys: 4, netBuySol: 3, marketCap: 50_000, chat: 2 }],
    };
    expect(detectionWindow(rows({ activity })).input.signals.activity).toEqual(activity);
    expect("activity" in detectionWindow(rows()).input.signals).toBe(false);
  });
});
