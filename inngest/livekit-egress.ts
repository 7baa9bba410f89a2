import { inngest } from "./client";
import { livekitRotate, livekitRotateEvent } from "./events";
import { env } from "@/lib/env";
import { checkRoomStillLive, rotationPlan, startNextSegment, stopPreviousSegment } from "@/lib/livekit/record-room";

/**
 * One rotation of a LIVEKIT session's file egress: while segment `number - 1` records, check the room every
 * 30 s (nobody publishing → that egress is the last; its webhook ends the session); at its nominal end start
 * segment `number`'s egress, SEGMENT_OVERLAP_SECONDS later stop the previous one, and schedule the next
 * rotation. One short run per segment (deterministic event ids), so a session of any length stays within
 * Inngest's per-run step limits and a restart resumes from the durable sleep.
 */
export const rotateLivekitEgress = inngest.createFunction(
  { id: "rotate-livekit-egress", name: "Rotate LiveKit egress", triggers: [livekitRotate], retries: 3 },
  async ({ event, step }) => {
    const { sessionId, userId, number } = event.data;
    const plan = await step.run("plan", () => rotationPlan(sessionId, number));
    if (!plan) return { status: "stopped" };
    for (const [i, at] of plan.checks.entries()) {
      await step.sleepUntil(`wait-${i}`, at);
      const state = await step.run(`check-room-${i}`, () => checkRoomStillLive(sessionId, number));
      if (state !== "live") return { status: state };
    }
    if (!(await step.run("start-next", () => startNextSegment(sessionId, userId, number))))
      return { status: "stopped" };
    await step.sleep("overlap", `${env.SEGMENT_OVERLAP_SECONDS}s`);
    await step.run("stop-previous", () => stopPreviousSegment(sessionId, number));
    await step.sendEvent("schedule-next", livekitRotateEvent({ sessionId, userId, number: number + 1 }));
    return { status: "rotated", number };
  },
);
