import "server-only";
import { z } from "zod";
import { clipRenderEvents } from "@/inngest/events";
import { prisma } from "@/lib/db";
import { enqueueOrFail } from "@/lib/events/enqueue-or-fail";
import { AppError } from "@/lib/http/errors";
import { failClip } from "@/lib/pipeline/render-clip-media";
import { assertWithinQuota } from "@/lib/quotas/assert-within-quota";
import { getClip } from "./clips";

/** POST /api/clips/[id]/retry takes no options. */
export const ZRetryClip = z.object({}).strict();

/**
 * POST /api/clips/[id]/retry: a clip whose render failed is rendered again (exact cut, from the segments or
 * the live parts still stored), under a new event id. Only an ERROR clip: anything else answers 409.
 */
export async function retryClip(userId: string, clipId: string) {
  const clip = await prisma.clip.findFirst({ where: { id: clipId, userId }, select: { status: true } });
  if (!clip) throw new AppError("not_found", "Clip not found.");
  if (clip.status !== "ERROR") throw new AppError("conflict", "Only a clip whose render failed can be retried.");
  await assertWithinQuota(userId, "storage");
  // Conditional: two retries at once queue one render.
  const reset = await prisma.clip.updateMany({
    where: { id: clipId, userId, status: "ERROR" },
    data: { status: "PENDING", error: null },
  });
  if (reset.count === 1) {
    await enqueueOrFail(clipRenderEvents([clipId], userId, `retry-${Date.now().toString(36)}`), () =>
      failClip(clipId, "Could not queue the render."),
    );
  }
  return getClip(userId, clipId);
}
