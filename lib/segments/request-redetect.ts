import "server-only";
import { inngest } from "@/inngest/client";
import { segmentRedetect } from "@/inngest/events";
import { prepareRedetect } from "@/lib/pipeline/redetect-segment";

/** POST /api/segments/[id]/redetect: queues `redetect-segment` for the owner's processed segment. */
export async function requestRedetect(userId: string, segmentId: string): Promise<void> {
  await inngest.send(segmentRedetect.create(await prepareRedetect(userId, segmentId)));
}
