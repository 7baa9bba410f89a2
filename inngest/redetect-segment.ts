import { inngest } from "./client";
import { perSessionAndAccount } from "./concurrency";
import { clipRenderEvents, segmentRedetect } from "./events";
import { redetectSegment } from "@/lib/pipeline/redetect-segment";

/**
 * segment/redetect.requested → replace the segment's unshared clips using the stored transcript and signals
 * → one render event per new clip. One detection per session at a time, like process-segment.
 */
export const redetectSegmentFn = inngest.createFunction(
  {
    id: "redetect-segment",
    name: "Re-detect clips in a segment",
    triggers: [segmentRedetect],
    retries: 3,
    concurrency: perSessionAndAccount,
  },
  async ({ event, step }) => {
    const { segmentId, userId } = event.data;
    const clipIds = await step.run("redetect", () => redetectSegment(segmentId, userId));
    if (clipIds.length) await step.sendEvent("render-clips", clipRenderEvents(clipIds, userId));
    return { clips: clipIds.length };
  },
);
