import "server-only";
import type { z } from "zod";
import { clipRenderEvents } from "@/inngest/events";
import { enqueueOrFail } from "@/lib/events/enqueue-or-fail";
import { failClip } from "@/lib/pipeline/render-clip-media";
import { createManualClip, type ZManualClip } from "./session-view";

/** POST /api/sessions/[id]/clips: the owner's hand-cut clip, queued for `render-clip`; a failed send marks it failed. */
export async function queueManualClip(userId: string, sessionId: string, input: z.infer<typeof ZManualClip>) {
  const clip = await createManualClip(userId, sessionId, input);
  await enqueueOrFail(clipRenderEvents([clip.id], userId), () => failClip(clip.id, "Could not queue the render."));
  return clip;
}
