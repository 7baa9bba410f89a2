import { inngest } from "./client";
import { perSessionAndAccount } from "./concurrency";
import { clipRenderEvents, segmentReady } from "./events";
import {
  analyseSegmentAudio,
  beginSegment,
  detectForSegment,
  extractSegmentAudio,
  failSegment,
  finishSegment,
  summarizeSegment,
  transcribeSegment,
} from "@/lib/pipeline/segment-steps";
import { settleEarlyAudio } from "@/lib/pipeline/early-audio";

/**
 * segment/recording.ready → extract audio → settle early audio chunks → (transcribe ∥ loudness, silences, keywords) → detect → one
 * render event per clip → summary of the segment into the session's rolling summary (context for the next). Segments of one session run in order (their detection windows overlap); different
 * sessions run in parallel.
 */
export const processSegment = inngest.createFunction(
  {
    id: "process-segment",
    name: "Process recorded segment",
    triggers: [segmentReady],
    retries: 3,
    concurrency: perSessionAndAccount,
    onFailure: async ({ event, error }) => {
      await failSegment(event.data.event.data.segmentId, error.message);
    },
  },
  async ({ event, step }) => {
    const { segmentId, userId } = event.data;
    await step.run("begin", () => beginSegment(segmentId));
    await step.run("extract-audio", () => extractSegmentAudio(segmentId));
    // Audio chunks sent ahead while the segment recorded (long segments): wait for the one being transcribed.
    await step.run("early-audio", () => settleEarlyAudio(segmentId));
    const [transcript] = await Promise.all([
      step.run("transcribe", () => transcribeSegment(segmentId)),
      step.run("analyse-audio", () => analyseSegmentAudio(segmentId)),
    ]);
    const clipIds = await step.run("detect", () => detectForSegment(segmentId));
    if (clipIds.length) {
      await step.sendEvent("render-clips", clipRenderEvents(clipIds, userId, `segment-${segmentId}`));
    }
    await step.run("summarize", () => summarizeSegment(segmentId));
    await step.run("finish", () => finishSegment(segmentId));
    return { words: transcript.words, clips: clipIds.length };
  },
);
