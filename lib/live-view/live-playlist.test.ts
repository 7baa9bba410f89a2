import { describe, expect, it } from "vitest";
import type { TLiveManifest } from "@/lib/live-edge/manifest";
import { AppError } from "@/lib/http/errors";
import { liveClipRange } from "./live-clip-range";
import { buildLivePlaylist, livePlaylistWindow } from "./live-playlist";

/** `n` parts of `d` seconds from seq `first`, contiguous from `start`; `disc` lists seqs flagged discontinuous. */
function manifest(n: number, d = 2, opts: { first?: number; start?: number; disc?: number[]; ended?: boolean } = {}) {
  const first = opts.first ?? 0;
  const parts = Array.from({ length: n }, (_, i) => ({
    seq: first + i,
    key: `sessions/s1/live/${String(first + i).padStart(7, "0")}.ts`,
    start: (opts.start ?? 0) + i * d,
    duration: d,
    discontinuity: (opts.disc ?? []).includes(first + i),
  }));
  return {
    sessionId: "s1",
    updatedAt: "2026-12-05T12:00:00.000Z",
    targetDuration: Math.ceil(d),
    parts,
    ended: !!opts.ended,
  };
}
const startedAt = new Date("2026-12-05T12:00:00.000Z");
const urlFor = (k: string) => `/m/${k}`;

describe("livePlaylistWindow", () => {
  it("keeps the newest parts adding up to 30 s", () => {
    expect(livePlaylistWindow(manifest(40).parts).map((p) => p.seq)).toEqual(
      Array.from({ length: 15 }, (_, i) => 25 + i),
    );
    expect(livePlaylistWindow(manifest(4).parts).length).toBe(4);
    expect(livePlaylistWindow(manifest(10, 4).parts).map((p) => p.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe("buildLivePlaylist", () => {
  it("is a sliding HLS media playlist with session time in PROGRAM-DATE-TIME", () => {
    const text = buildLivePlaylist(manifest(20, 2, { first: 100, start: 60 }), { startedAt, urlFor });
    const lines = text.trim().split("\n");
    expect(lines.slice(0, 5)).toEqual([
      "#EXTM3U",
      "#EXT-X-VERSION:3",
      "#EXT-X-TARGETDURATION:2",
      "#EXT-X-MEDIA-SEQUENCE:105",
      "#EXT-X-DISCONTINUITY-SEQUENCE:0",
    ]);
    // First part of the window: seq 105 starts at 60 + 5 × 2 = 70 s of the session.
    expect(lines.slice(5, 8)).toEqual([
      "#EXT-X-PROGRAM-DATE-TIME:2026-12-05T12:01:10.000Z",
      "#EXTINF:2.000,",
      "/m/sessions/s1/live/0000105.ts",
    ]);
    expect(lines.filter((l) => l.startsWith("#EXTINF")).length).toBe(15);
    expect(text).not.toContain("#EXT-X-ENDLIST");
    expect(text.endsWith("/m/sessions/s1/live/0000119.ts\n")).toBe(true);
  });

  it("tags discontinuities inside the window and counts those before it", () => {
    const m = manifest(30, 2, { disc: [3, 20, 27] });
    const lines = buildLivePlaylist(m, { startedAt, urlFor }).trim().split("\n");
    expect(lines).toContain("#EXT-X-DISCONTINUITY-SEQUENCE:1");
    expect(lines.filter((l) => l === "#EXT-X-DISCONTINUITY").length).toBe(2);
    const i = lines.indexOf("#EXT-X-DISCONTINUITY");
    expect(lines[i + 3]).toBe("/m/sessions/s1/live/0000020.ts");
    // The window's first part (seq 15) starts a run: its discontinuity is counted, not tagged.
    const slid = buildLivePlaylist(manifest(30, 2, { disc: [15] }), { startedAt, urlFor });
    expect(slid).toContain("#EXT-X-DISCONTINUITY-SEQUENCE:1");
    expect(slid).not.toContain("#EXT-X-DISCONTINUITY\n");
  });

  it("ends with EXT-X-ENDLIST once the manifest is ended; target duration covers the longest part", () => {
    const m = manifest(3, 2, { ended: true });
    m.parts[1].duration = 2.6;
    const text = buildLivePlaylist(m, { startedAt, urlFor });
    expect(text).toContain("#EXT-X-TARGETDURATION:3");
    expect(text.trim().split("\n").at(-1)).toBe("#EXT-X-ENDLIST");
  });
});

describe("liveClipRange", () => {
  const err = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof AppError ? [e.code, e.message] : e;
    }
    return null;
  };
  const m: TLiveManifest = manifest(40, 2, { start: 100 }); // 100–180 s of the session

  it("ends at the live edge, or where the viewer is (never past the edge)", () => {
    expect(liveClipRange(m, { last: 30 })).toEqual({ start: 150, end: 180 });
    expect(liveClipRange(m, { last: 15, at: 171.25 })).toEqual({ start: 156.25, end: 171.25 });
    expect(liveClipRange(m, { last: 30, at: 999 })).toEqual({ start: 150, end: 180 });
  });

  it("takes what the buffer holds when it is shorter, and never crosses a discontinuity", () => {
    expect(liveClipRange(manifest(5, 2), { last: 30 })).toEqual({ start: 0, end: 10 });
    expect(liveClipRange(manifest(40, 2, { disc: [35] }), { last: 30 })).toEqual({ start: 70, end: 80 });
    expect(liveClipRange(manifest(40, 2), { last: 60 })).toEqual({ start: 20, end: 80 });
  });

  it("reaches back over stored segments where parts were already dropped", () => {
    const stored = (t: number) => (t >= 0 && t <= 110 ? { start: 0, end: 110 } : null);
    expect(liveClipRange(m, { last: 60 }, stored)).toEqual({ start: 120, end: 180 });
    expect(liveClipRange(m, { last: 60, at: 150 }, stored)).toEqual({ start: 90, end: 150 });
    // Segments that stop short of the parts (a gap) do not count.
    expect(liveClipRange(m, { last: 60, at: 150 }, () => ({ start: 0, end: 99 }))).toEqual({ start: 100, end: 150 });
    expect(liveClipRange(m, { last: 60, at: 150 }, () => ({ start: 95, end: 101 }))).toEqual({ start: 95, end: 150 });
  });

  it("refuses a moment outside the buffer, an empty or ended buffer", () => {
    expect(err(() => liveClipRange(m, { last: 30, at: 50 }))).toEqual([
      "invalid_input",
      "That moment is no longer in the live buffer.",
    ]);
    expect(err(() => liveClipRange(manifest(40, 2, { ended: true }), { last: 30 }))).toEqual([
      "conflict",
      "The stream is no longer live; cut a range from the timeline instead.",
    ]);
    expect(err(() => liveClipRange(manifest(0), { last: 30 }))).toEqual([
      "conflict",
      "The live buffer is empty; try again in a few seconds.",
    ]);
    expect(err(() => liveClipRange(manifest(40, 2, { disc: [39] }), { last: 30, at: 78.5 }))).toEqual([
      "conflict",
      "The live buffer holds less than a second here; try again in a moment.",
    ]);
  });
});
