import { describe, expect, it } from "vitest";
import {
  backlogSeconds,
  CHEAP_ENTER_SECONDS,
  CHEAP_EXIT_SECONDS,
  chooseChunkMode,
  FAST_ENTER_SECONDS,
  liveEdgeStatus,
  type TChunkMode,
} from "./live-backpressure";

describe("backlogSeconds", () => {
  const now = 1_000_000;
  it.each([
    ["caught up: the newest chunk, just announced", { chunkEnd: 50, arrivedEnd: 50, arrivedAtMs: now - 300 }, 0.3],
    ["three chunks queued behind it", { chunkEnd: 50, arrivedEnd: 65, arrivedAtMs: now - 2_000 }, 15],
    [
      "the newest chunk but it waited 12 s for a worker",
      { chunkEnd: 50, arrivedEnd: 50, arrivedAtMs: now - 12_000 },
      12,
    ],
    ["clock skew never makes it negative", { chunkEnd: 50, arrivedEnd: 45, arrivedAtMs: now + 5_000 }, 0],
  ])("%s", (_name, b, expected) => {
    expect(backlogSeconds({ ...b, nowMs: now })).toBe(expected);
  });
});

describe("chooseChunkMode", () => {
  it.each<[string, Parameters<typeof chooseChunkMode>[0], TChunkMode]>([
    ["auto, caught up", { decode: "auto", lagSeconds: 0, previous: "full" }, "full"],
    ["auto, first chunk", { decode: "auto", lagSeconds: 0, previous: null }, "full"],
    ["auto, under a chunk behind", { decode: "auto", lagSeconds: FAST_ENTER_SECONDS - 0.1, previous: "full" }, "full"],
    ["auto, a chunk behind: fast search", { decode: "auto", lagSeconds: FAST_ENTER_SECONDS, previous: "full" }, "fast"],
    [
      "auto, just under the cheap threshold",
      { decode: "auto", lagSeconds: CHEAP_ENTER_SECONDS - 0.1, previous: "full" },
      "fast",
    ],
    ["auto, at the cheap threshold", { decode: "auto", lagSeconds: CHEAP_ENTER_SECONDS, previous: "fast" }, "cheap"],
    ["auto, far behind on the first chunk", { decode: "auto", lagSeconds: 40, previous: null }, "cheap"],
    // Hysteresis: a fast or cheap stream stays so until it is back within CHEAP_EXIT_SECONDS.
    ["auto, fast and still 3 s behind", { decode: "auto", lagSeconds: 3, previous: "fast" }, "fast"],
    ["auto, fast and caught up", { decode: "auto", lagSeconds: CHEAP_EXIT_SECONDS, previous: "fast" }, "full"],
    ["auto, cheap and still 5 s behind", { decode: "auto", lagSeconds: 5, previous: "cheap" }, "cheap"],
    ["auto, cheap and caught up", { decode: "auto", lagSeconds: CHEAP_EXIT_SECONDS, previous: "cheap" }, "full"],
    ["always decodes however far behind, fast", { decode: "always", lagSeconds: 120, previous: "cheap" }, "fast"],
    ["always, caught up", { decode: "always", lagSeconds: 1, previous: "fast" }, "full"],
    ["never decodes even when caught up", { decode: "never", lagSeconds: 0, previous: "full" }, "cheap"],
  ])("%s", (_name, input, expected) => {
    expect(chooseChunkMode(input)).toBe(expected);
  });

  it("does not flip on every chunk around the thresholds", () => {
    const lags = [2, 9, 11, 9, 6, 3, 2.5, 1, 6, 3, 10];
    const modes: TChunkMode[] = [];
    let previous: TChunkMode | null = null;
    for (const lagSeconds of lags) {
      previous = chooseChunkMode({ decode: "auto", lagSeconds, previous });
      modes.push(previous);
    }
    expect(modes).toEqual([
      "full",
      "fast",
      "cheap",
      "cheap",
      "cheap",
      "cheap",
      "cheap",
      "full",
      "fast",
      "fast",
      "cheap",
    ]);
  });
});

describe("liveEdgeStatus", () => {
  const now = 2_000_000;
  it("is null without chunks", () => {
    expect(liveEdgeStatus({ arrivedEnd: null, oldestWaiting: null, lastMode: null, nowMs: now })).toBeNull();
  });
  it("is caught up when nothing waits", () => {
    expect(liveEdgeStatus({ arrivedEnd: 300, oldestWaiting: null, lastMode: "full", nowMs: now })).toEqual({
      lagSeconds: 0,
      mode: "full",
      behind: false,
    });
  });
  it("one chunk in flight is not behind", () => {
    const s = liveEdgeStatus({
      arrivedEnd: 300,
      oldestWaiting: { start: 295, arrivedAtMs: now - 1_500 },
      lastMode: "full",
      nowMs: now,
    });
    expect(s).toEqual({ lagSeconds: 5, mode: "full", behind: false });
  });
  it("counts queued audio, or the oldest chunk's wait when longer", () => {
    expect(
      liveEdgeStatus({
        arrivedEnd: 300,
        oldestWaiting: { start: 280, arrivedAtMs: now - 3_000 },
        lastMode: "full",
        nowMs: now,
      }),
    ).toEqual({ lagSeconds: 20, mode: "full", behind: true });
    expect(
      liveEdgeStatus({
        arrivedEnd: 300,
        oldestWaiting: { start: 295, arrivedAtMs: now - 31_600 },
        lastMode: "full",
        nowMs: now,
      }),
    ).toEqual({ lagSeconds: 32, mode: "full", behind: true });
  });
  it("a cheap stream is shown even when caught up: its words come later", () => {
    expect(liveEdgeStatus({ arrivedEnd: 300, oldestWaiting: null, lastMode: "cheap", nowMs: now })).toEqual({
      lagSeconds: 0,
      mode: "cheap",
      behind: true,
    });
  });
});
