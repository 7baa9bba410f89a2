import { inngest } from "./client";
import { perSessionAndAccount } from "./concurrency";
import { audioChunkReady, clipRenderEvents } from "./events";
import { failAudioChunk, transcribeAudioChunk } from "@/lib/pipeline/early-audio";
import { detectLive } from "@/lib/pipeline/live-detect";
import { liveRenderCut } from "@/lib/pipeline/render-backlog";

/**
 * audio/chunk.ready → transcribe, keyword-spot and measure one stretch of live audio while its segment is
 * still recording (lib/pipeline/early-audio.ts), then run live detection over the rolling window ending at
 * it (lib/pipeline/live-detect.ts) and render the moments that have ended (in the keyframe lane while other
 * clips wait: lib/pipeline/render-backlog.ts). Chunks of a session run in order
 * (one at a time per session); a chunk that fails for good is marked ERROR and its segment decodes that
 * stretch itself.
 */
export const transcribeAudioChunkFn = inngest.createFunction(
  {
    id: "transcribe-audio-chunk",
    name: "Transcribe and detect on the live edge",
    triggers: [audioChunkReady],
    retries: 2,
    concurrency: perSessionAndAccount,
    onFailure: async ({ event, error }) => {
      await failAudioChunk(event.data.event.data.chunkId, error.message);
    },
  },
  async ({ event, step }) => {
    const { chunkId, userId } = event.data;
    // One step for the chunk's work and the detection after it: each step is a round trip through the job
    // engine, and a live chunk comes every 5 s from every stream. A retry after the chunk was stored finds it
    // DONE ("skipped") and runs the detection again, which adds no clip twice (insertDetectedClips).
    const { chunk, live } = await step.run("transcribe-and-detect", async () => {
      const chunk = await transcribeAudioChunk(chunkId);
      const detected = await detectLive(chunkId);
      // The render lane is picked with the clips (render backpressure).
      return { chunk, live: { ...detected, cut: await liveRenderCut(detected.clipIds) } };
    });
    if (live.clipIds.length)
      await step.sendEvent("render-clips", clipRenderEvents(live.clipIds, userId, undefined, live.cut ?? undefined));
    return { chunk, live };
  },
);
