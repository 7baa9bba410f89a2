/**
 * Segment close reconciling the live edge, on real PostgreSQL: which live clips a segment's detection attaches,
 * which it refines (and re-renders), and which it leaves for the next segment.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { TCandidate } from "@/lib/detect";

let prisma: (typeof import("@/lib/db"))["prisma"];
let insertDetectedClips: (typeof import("./insert-detected-clips"))["insertDetectedClips"];

beforeAll(async () => {
  ({ prisma } = await import("@/lib/db"));
  ({ insertDetectedClips } = await import("./insert-detected-clips"));
});

const candidate = (start: number, end: number): TCandidate => ({
  start,
  end,
  title: "Excited",
  hook: "",
  reason: "loud",
  score: 90,
  tags: [],
  engine: "offline",
  excerpt: "oh my god",
});

/** A recording session with 6-s segments 3 (15–21), 4 (21–27) and 5 (27–33), and one unattached live clip. */
async function seed(live: { start: number; end: number }) {
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const user = await prisma.user.create({ data: { id: `idc-${stamp}`, name: "R", email: `idc-${stamp}@example.com` } });
  const streamer = await prisma.streamer.create({
    data: { userId: user.id, name: "S", kind: "URL", source: `https://example.com/${stamp}.m3u8`, monitored: false },
  });
  const session = await prisma.liveSession.create({
    data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 6, status: "RECORDING" },
  });
  const segments = new Map<number, string>();
  for (const number of [3, 4, 5]) {
    const seg = await prisma.segment.create({
      data: { userId: user.id, sessionId: session.id, number, startOffset: number * 6 - 3, duration: 6 },
    });
    segments.set(number, seg.id);
  }
  const clip = await prisma.clip.create({
    data: {
      userId: user.id,
      streamerId: streamer.id,
      sessionId: session.id,
      origin: "LIVE",
      detectionKey: `t${Math.round(live.start * 10)}`,
      startTime: live.start,
      endTime: live.end,
      title: "Live",
      reason: "loud",
      score: 80,
      engine: "offline",
      status: "READY",
    },
  });
  /** One segment's detection run, as segment-steps.ts makes it. */
  const run = (number: number, p: { ready: TCandidate[]; heldBack?: TCandidate[]; segmentEnd: number }) =>
    prisma.$transaction((tx) =>
      insertDetectedClips(tx, {
        target: {
          segmentId: segments.get(number)!,
          userId: user.id,
          sessionId: session.id,
          streamerId: streamer.id,
          segmentEnd: p.segmentEnd,
          heldBack: p.heldBack,
        },
        candidates: p.ready,
        knownSince: 0,
      }),
    );
  const read = () => prisma.clip.findUniqueOrThrow({ where: { id: clip.id } });
  const count = () => prisma.clip.count({ where: { sessionId: session.id } });
  return { user, session, segments, clip, run, read, count };
}

describe("segment close reconciles the live edge", () => {
  it("a live clip cut short stays open while its moment is held back, and the next segment refines it whole", async () => {
    // Seen in CI under load: the live edge clipped 15.01–23.4 of a passage at 19.0–25.8; segment 4 held the
    // whole moment back (it runs into its end), and segment 5 found it whole.
    const s = await seed({ start: 15.01, end: 23.4 });
    expect(await s.run(4, { ready: [], heldBack: [candidate(18.79, 26.79)], segmentEnd: 27 })).toEqual([]);
    expect(await s.read()).toMatchObject({ segmentId: null, startTime: 15.01, endTime: 23.4 });

    expect(await s.run(5, { ready: [candidate(18.98, 26.98)], segmentEnd: 33 })).toEqual([s.clip.id]);
    expect(await s.read()).toMatchObject({
      segmentId: s.segments.get(5),
      startTime: 18.98,
      endTime: 26.98,
      status: "PENDING",
    });
    expect(await s.count()).toBe(1);
  });

  it("a live clip ending in the segment that nothing overlaps joins it as it is", async () => {
    const s = await seed({ start: 15.01, end: 23.4 });
    expect(await s.run(4, { ready: [], heldBack: [candidate(24, 27)], segmentEnd: 27 })).toEqual([]);
    expect(await s.read()).toMatchObject({ segmentId: s.segments.get(4), startTime: 15.01, endTime: 23.4 });
  });

  it.each([
    ["nobody touched it", "refined", {}],
    ["its first render is still running", "refined", { status: "RENDERING" as const }],
    ["reviewed", "kept", { review: "APPROVED" as const }],
    ["a favourite", "kept", { favorite: true }],
    ["being trimmed", "kept", { trimStart: 16, trimEnd: 22 }],
    ["with edited captions", "kept", { captions: [{ start: 0, end: 1, text: "hi" }] }],
    ["shared", "kept", { shareSlug: `slug-${Date.now()}-${Math.random().toString(36).slice(2, 6)}` }],
  ])("a live clip %s: its edges are %s", async (_, outcome, data) => {
    const refined = outcome === "refined";
    const s = await seed({ start: 15.01, end: 23.4 });
    await prisma.clip.update({ where: { id: s.clip.id }, data });
    const rerender = await s.run(5, { ready: [candidate(18.98, 26.98)], segmentEnd: 33 });
    const clip = await s.read();
    expect(clip.segmentId).toBe(s.segments.get(5));
    expect(rerender).toEqual(refined ? [s.clip.id] : []);
    expect([clip.startTime, clip.endTime]).toEqual(refined ? [18.98, 26.98] : [15.01, 23.4]);
    expect(await s.count()).toBe(1);
  });

  it("a live clip with an export keeps its edges", async () => {
    const s = await seed({ start: 15.01, end: 23.4 });
    await prisma.clipExport.create({
      data: { userId: s.user.id, clipId: s.clip.id, preset: "shorts", layout: "crop", status: "READY" },
    });
    expect(await s.run(5, { ready: [candidate(18.98, 26.98)], segmentEnd: 33 })).toEqual([]);
    expect(await s.read()).toMatchObject({ startTime: 15.01, endTime: 23.4, segmentId: s.segments.get(5) });
  });

  it("edges within a second of the segment's are kept without a new render; a failed render is redone", async () => {
    const s = await seed({ start: 18.5, end: 26.5 });
    expect(await s.run(5, { ready: [candidate(18.98, 26.98)], segmentEnd: 33 })).toEqual([]);
    expect(await s.read()).toMatchObject({ startTime: 18.5, endTime: 26.5, status: "READY" });

    const f = await seed({ start: 18.5, end: 26.5 });
    await prisma.clip.update({ where: { id: f.clip.id }, data: { status: "ERROR", error: "ffmpeg died" } });
    expect(await f.run(5, { ready: [candidate(18.98, 26.98)], segmentEnd: 33 })).toEqual([f.clip.id]);
    expect(await f.read()).toMatchObject({ startTime: 18.98, endTime: 26.98, status: "PENDING", error: null });
  });
});
