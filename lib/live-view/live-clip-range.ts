import { z } from "zod";
import { liveEdgeOf, type TLiveManifest } from "@/lib/live-edge/manifest";
import { AppError } from "@/lib/http/errors";
import { MAX_CLIP_SECONDS, MIN_CLIP_SECONDS } from "@/lib/studio/trim-clip";

/**
 * "Clip that": the last `last` seconds of the live buffer, ending at `at` (the session second the viewer is
 * watching, which lags the edge by the player's latency) or at the live edge. The server picks the range from
 * the manifest, so a client can only move the end back within the buffer, never past the edge.
 */
export const ZLiveClip = z
  .object({
    last: z.number().int().min(MIN_CLIP_SECONDS).max(MAX_CLIP_SECONDS),
    at: z.number().finite().min(0).optional(),
    title: z.string().trim().min(1).max(120).optional(),
  })
  .strict();
export type TLiveClip = z.infer<typeof ZLiveClip>;

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The range to cut: end = min(at, edge); start = end − last, or, when the buffer holds less, the start of
 * the unbroken run of parts that ends there, extended back over stored segments that reach that run (the
 * render cuts segments + parts). A session a few seconds old gives a shorter clip; a clip never spans a
 * discontinuity (a recorder restart). Throws 409 when the buffer is over or empty, 422 for a moment it no longer holds.
 */
export function liveClipRange(
  m: TLiveManifest,
  input: { last: number; at?: number },
  /** The continuous stretch of stored segments containing a time (stored-range's continuousRangeAt), if any. */
  storedRunAt: (t: number) => { start: number; end: number } | null = () => null,
): { start: number; end: number } {
  if (m.ended) throw new AppError("conflict", "The stream is no longer live; cut a range from the timeline instead.");
  const edge = liveEdgeOf(m);
  if (edge === null) throw new AppError("conflict", "The live buffer is empty; try again in a few seconds.");
  const end = Math.min(input.at ?? edge, edge);
  const eps = 0.05;
  // The part holding `end` (the one ending exactly there counts), then back while parts follow without a gap.
  let i = m.parts.findIndex((p) => p.start < end - eps && p.start + p.duration >= end - eps);
  if (i < 0) throw new AppError("invalid_input", "That moment is no longer in the live buffer.");
  while (
    i > 0 &&
    m.parts[i].start > end - input.last + eps &&
    !m.parts[i].discontinuity &&
    m.parts[i - 1].seq === m.parts[i].seq - 1
  )
    i--;
  let start = Math.max(end - input.last, m.parts[i].start);
  // Parts already dropped (their segment is stored): the segments hold the beginning, if they reach the run.
  const want = end - input.last;
  if (start > want + eps) {
    const run = storedRunAt(Math.max(0, want));
    if (run && run.end >= start - eps) start = Math.max(want, run.start);
  }
  if (end - start < MIN_CLIP_SECONDS - eps)
    throw new AppError("conflict", "The live buffer holds less than a second here; try again in a moment.");
  return { start: r3(start), end: r3(end) };
}
