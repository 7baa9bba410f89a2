import "server-only";
import { z } from "zod";
import { clipRenderEvents } from "@/inngest/events";
import { enqueueOrFail } from "@/lib/events/enqueue-or-fail";
import { parseJson } from "@/lib/http/read-json";
import { createLiveClip } from "@/lib/live-view/create-live-clip";
import { ZLiveClip, type TLiveClip } from "@/lib/live-view/live-clip-range";
import { failClip } from "@/lib/pipeline/render-clip-media";
import { assertWithinQuota } from "@/lib/quotas/assert-within-quota";
import { createManualClip, ZManualClip } from "./session-view";

export type TSessionClipInput = z.infer<typeof ZManualClip> | TLiveClip;

/**
 * The body of POST /api/sessions/[id]/clips: `{ start, end, title? }` (a stored range) or, while the session
 * is live, `{ last, at?, title? }` ("Clip that": the last `last` seconds ending at `at` or the live edge).
 */
export function parseSessionClipInput(text: string): TSessionClipInput {
  const raw = parseJson(text, z.unknown());
  const live = typeof raw === "object" && raw !== null && "last" in raw;
  return parseJson(text, live ? ZLiveClip : ZManualClip);
}

/**
 * POST /api/sessions/[id]/clips: the owner's hand-cut clip, queued for `render-clip`; a failed send marks it
 * failed. "Clip that" is cut at the keyframe at or before its start (stream copy, seconds sooner); a range
 * picked on the timeline is cut exactly.
 */
export async function queueManualClip(userId: string, sessionId: string, input: TSessionClipInput) {
  await assertWithinQuota(userId, "storage");
  const live = "last" in input;
  const clip = live ? await createLiveClip(userId, sessionId, input) : await createManualClip(userId, sessionId, input);
  const events = clipRenderEvents([clip.id], userId, undefined, live ? "keyframe" : "exact");
  await enqueueOrFail(events, () => failClip(clip.id, "Could not queue the render."));
  return clip;
}
