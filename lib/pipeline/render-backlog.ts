import { prisma } from "@/lib/db";
import type { TClipCut } from "@/inngest/events";

/** Clips waiting to be rendered at which a live-edge clip is cut from the parts instead of re-encoded. */
export const RENDER_BACKLOG_KEYFRAME = 3;

/** Other clips waiting for a render or being rendered, from the last 10 minutes (older ones are stuck or gone). */
export async function renderBacklog(excludeClipIds: string[]): Promise<number> {
  return prisma.clip.count({
    where: {
      id: { notIn: excludeClipIds },
      status: { in: ["PENDING", "RENDERING"] },
      updatedAt: { gt: new Date(Date.now() - 10 * 60_000) },
    },
  });
}

/**
 * The cut to ask for new live-edge clips: `keyframe` while RENDER_BACKLOG_KEYFRAME or more other clips wait, so
 * they go to the keyframe lane at once instead of queueing for a re-encode (inngest/render-clip.ts); otherwise
 * none (exact, unless the backlog has grown by the time the render starts).
 */
export async function liveRenderCut(clipIds: string[]): Promise<TClipCut | null> {
  if (!clipIds.length) return null;
  return (await renderBacklog(clipIds)) >= RENDER_BACKLOG_KEYFRAME ? "keyframe" : null;
}
