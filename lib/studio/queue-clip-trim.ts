import "server-only";
import { clipTrimRequested } from "@/inngest/events";
import { getClip } from "@/lib/clips/clips";
import { enqueueOrFail } from "@/lib/events/enqueue-or-fail";
import { assertWithinQuota } from "@/lib/quotas/assert-within-quota";
import { failTrim, requestTrim, type TRange } from "./trim-clip";

/**
 * POST /api/clips/[id]/trim: records the owner's new range on the clip and queues its render (`trim-clip`);
 * a failed send clears the pending trim with a reason. Returns the clip, still playing its current render.
 */
export async function queueClipTrim(userId: string, clipId: string, input: TRange) {
  await assertWithinQuota(userId, "storage");
  await requestTrim(userId, clipId, input);
  await enqueueOrFail(clipTrimRequested.create({ clipId, userId }), () =>
    failTrim(clipId, "Could not queue the render."),
  );
  return getClip(userId, clipId);
}
