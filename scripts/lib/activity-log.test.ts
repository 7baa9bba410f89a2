import { describe, expect, it } from "vitest";
import { activityKey, formatActivity, type TActivity } from "./activity-log";

const app = "http://127.0.0.1:3000";

describe("formatActivity", () => {
  it.each<[TActivity, string]>([
    [
      { kind: "session-live", id: "s1", streamer: "Demo", segmentSeconds: 30 },
      "● Demo is live: recording 30 s segments",
    ],
    [
      { kind: "session-ended", id: "s1", streamer: "Demo", status: "ENDED", reason: "source ended" },
      "■ Demo ended: source ended",
    ],
    [{ kind: "session-ended", id: "s1", streamer: "Demo", status: "FAILED", reason: null }, "■ Demo failed"],
    [
      {
        kind: "segment-done",
        id: "g1",
        streamer: "Demo",
        number: 2,
        start: 60,
        duration: 30,
        tookSeconds: 11.24,
        clips: 1,
      },
      "▤ Demo · segment 2 (1:00–1:30) processed in 11.2 s · 1 clip",
    ],
    [
      {
        kind: "segment-done",
        id: "g1",
        streamer: "Demo",
        number: 120,
        start: 3600,
        duration: 900,
        tookSeconds: 24,
        clips: 0,
      },
      "▤ Demo · segment 120 (1:00:00–1:15:00) processed in 24.0 s · 0 clips",
    ],
    [
      { kind: "segment-error", id: "g1", streamer: "Demo", number: 3, error: "ffmpeg exited 1" },
      "✖ Demo · segment 3 failed: ffmpeg exited 1",
    ],
    [
      { kind: "clip-ready", id: "c1", streamer: "Demo", title: "Oh my god no way", score: 82, start: 48.4, end: 63.9 },
      "✂ clip ready: “Oh my god no way” · score 82 · 0:48–1:04 · http://127.0.0.1:3000/clips/c1",
    ],
    [
      { kind: "clip-error", id: "c1", streamer: "Demo", title: "Huge", error: null },
      "✖ clip “Huge” failed to render: unknown error",
    ],
  ])("%j", (activity, line) => {
    expect(formatActivity(activity, app)).toBe(line);
  });

  it("keys an activity by kind and row, so a clip that fails after being ready prints again", () => {
    const ready: TActivity = { kind: "clip-ready", id: "c1", streamer: "D", title: "t", score: 1, start: 0, end: 1 };
    const failed: TActivity = { kind: "clip-error", id: "c1", streamer: "D", title: "t", error: null };
    expect(activityKey(ready)).not.toBe(activityKey(failed));
    expect(activityKey(ready)).toBe(activityKey({ ...ready, score: 99 }));
  });
});
