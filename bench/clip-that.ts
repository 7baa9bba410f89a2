import { sample, startPipeline, waitFor } from "./lib/stack";
import { emit, machine, progress, round, summarize, summarizeBreakdown } from "./lib/stats";
import type { TBenchOptions } from "./run";

/** Clip length asked for by each press (the button's default). */
const LAST_SECONDS = 30;
/** Recording before the first press, so the live buffer holds a whole clip. */
const WARMUP_SECONDS = LAST_SECONDS + 5;
/** Pause between one press's clip being playable and the next press. */
const GAP_MS = 2000;
/**
 * Where the viewer presses, behind the live edge (the player runs 2–4.5 s behind it, e2e/live-view.spec.ts):
 * the clip's start then falls inside a part, as it does for a real press.
 */
const BEHIND_EDGE_SECONDS = 3.3;
/** A stream as a streamer sends it (the re-encode's cost grows with the pixels). */
const SIZE = "1280x720";

type TCut = "keyframe" | "exact";
type TRow = { totalS: number; stages: Record<string, number> };

/**
 * "Clip that" press → playable clip: a live source (ffmpeg reading a 720p30 file at its own pace, through the
 * real streamer check and recorder, 900-s segments so every clip comes from the live parts), then N presses
 * per cut mode, one after the other, alternating, each 3.3 s behind the live edge: `clip-that` is the product path (the route's own data
 * function, `{ last: 30 }` at the live edge, keyframe cut by stream copy); `clip-that-exact` queues the same
 * clip for the frame-accurate re-encode (what every press did before; same stream, same load). Measured per
 * press: from the call until the clip is READY and its signed media URL answers 200 with the whole file.
 */
export async function run(opts: TBenchOptions) {
  const p = await startPipeline({ recorder: true, media: true });
  try {
    const presses = opts.runs ?? (opts.full ? 10 : 5);
    const seconds = WARMUP_SECONDS + presses * 2 * 20 + 30;
    const s = await sample(seconds, 12, false, SIZE);
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    const { queueManualClip } = await import("@/lib/studio/queue-manual-clip");
    const { createLiveClip } = await import("@/lib/live-view/create-live-clip");
    const { clipRenderEvents } = await import("@/inngest/events");
    const { inngest } = await import("@/inngest/client");
    const { readLiveManifest, liveEdgeOf } = await import("@/lib/live-edge/manifest");
    const { mediaUrl } = await import("@/lib/media-url");
    const streamer = await p.prisma.streamer.create({
      data: { userId: p.user.id, name: "clip that", kind: "URL", source: `file://${s.file}`, segmentSeconds: 900 },
    });
    const check = await checkStreamer(streamer.id, p.user.id);
    if (check.status !== "live" || !check.sessionId)
      throw new Error(`the source was not live: ${JSON.stringify(check)}`);
    await p.prisma.streamer.update({ where: { id: streamer.id }, data: { monitored: false } });
    const sessionId = check.sessionId;
    progress(`clip-that: waiting for ${WARMUP_SECONDS}s of live buffer`);
    await waitFor(
      async () => {
        const m = await readLiveManifest(sessionId);
        const edge = m && liveEdgeOf(m);
        return edge !== null && edge !== undefined && edge - m!.parts[0].start >= WARMUP_SECONDS;
      },
      (WARMUP_SECONDS + 60) * 1000,
      "the live buffer",
      500,
    );

    const press = async (cut: TCut) => {
      const m = await readLiveManifest(sessionId);
      const input = { last: LAST_SECONDS, at: liveEdgeOf(m!)! - BEHIND_EDGE_SECONDS };
      if (cut === "keyframe") return queueManualClip(p.user.id, sessionId, input);
      const clip = await createLiveClip(p.user.id, sessionId, input);
      await inngest.send(clipRenderEvents([clip.id], p.user.id, undefined, "exact"));
      return clip;
    };

    const start = machine();
    const rows: Record<TCut, TRow[]> = { keyframe: [], exact: [] };
    for (let i = 0; i < presses * 2; i++) {
      const cut: TCut = i % 2 === 0 ? "keyframe" : "exact";
      progress(`clip-that press ${i + 1}/${presses * 2} (${cut})`);
      const t0 = Date.now();
      const clip = await press(cut);
      const posted = Date.now();
      const ready = await waitFor(
        async () => {
          const c = await p.prisma.clip.findUniqueOrThrow({ where: { id: clip.id } });
          if (c.status === "ERROR") throw new Error(`clip ${c.id} failed: ${c.error}`);
          return c.status === "READY" ? { at: Date.now(), clip: c } : null;
        },
        120_000,
        "the clip to be READY",
        100,
      );
      const res = await fetch(new URL(mediaUrl(ready.clip.videoKey)!, p.server.url));
      const bytes = (await res.arrayBuffer()).byteLength;
      if (res.status !== 200 || bytes === 0) throw new Error(`clip media answered ${res.status} (${bytes} bytes)`);
      const playable = Date.now();
      rows[cut].push({
        totalS: round((playable - t0) / 1000),
        stages: {
          post: round((posted - t0) / 1000),
          render: round((ready.at - posted) / 1000),
          fetch: round((playable - ready.at) / 1000),
          durationS: round(ready.clip.duration ?? 0),
          // How far the stored range moved from the one asked for (a keyframe cut starts earlier).
          startShiftS: round(clip.startTime - ready.clip.startTime),
        },
      });
      await new Promise((r) => setTimeout(r, GAP_MS));
    }
    for (const cut of ["keyframe", "exact"] as const) {
      const t = summarize(rows[cut].map((x) => x.totalS));
      emit({
        name: cut === "keyframe" ? "clip-that" : "clip-that-exact",
        inputs: {
          lastSeconds: LAST_SECONDS,
          behindEdgeS: BEHIND_EDGE_SECONDS,
          size: SIZE,
          fps: 30,
          segmentSeconds: 900,
          cut,
        },
        runs: presses,
        median: t.median,
        p95: t.p95,
        unit: "s",
        ...start,
        target: cut === "keyframe" ? "p95 < 10 s" : undefined,
        min: t.min,
        max: t.max,
        stages: summarizeBreakdown(rows[cut].map((x) => x.stages)),
        loadavgEnd: machine().loadavg,
      });
    }
  } finally {
    await p.stop();
  }
}
