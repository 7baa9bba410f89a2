import { inngest } from "./client";
import { clipRenderEvents, sessionEnded } from "./events";
import { lastSegmentState } from "@/lib/pipeline/finalize-session";
import { detectAtSessionEnd } from "@/lib/pipeline/segment-steps";

/**
 * session/live.ended → once the last segment is processed, detect again over its window without holding
 * anything back (there is no next segment to complete a moment at the very end).
 */
export const finalizeSession = inngest.createFunction(
  { id: "finalize-session", name: "Finalize ended session", triggers: [sessionEnded], retries: 3 },
  async ({ event, step }) => {
    const { sessionId, userId } = event.data;
    let state = await step.run("check-0", () => lastSegmentState(sessionId));
    for (let i = 1; !state.settled && i <= 60; i++) {
      await step.sleep(`wait-${i}`, "5s");
      state = await step.run(`check-${i}`, () => lastSegmentState(sessionId));
    }
    if (!state.segmentId || !state.settled) return { clips: 0, settled: state.settled };
    const segmentId = state.segmentId;
    const clipIds = await step.run("detect-tail", () => detectAtSessionEnd(segmentId));
    if (clipIds.length) {
      await step.sendEvent("render-clips", clipRenderEvents(clipIds, userId, `segment-${segmentId}`));
    }
    return { clips: clipIds.length, settled: true };
  },
);
