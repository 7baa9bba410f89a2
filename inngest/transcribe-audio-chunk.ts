import { inngest } from "./client";
import { perSessionAndAccount } from "./concurrency";
import { audioChunkReady, clipRenderEvents } from "./events";
import { failAudioChunk, transcribeAudioChunk } from "@/lib/pipeline/early-audio";
import { detectLive } from "@/lib/pipeline/live-detect";

/**
 * audio/chunk.ready → transcribe, keyword-spot and measure one stretch of live audio while its segment is
 * still recording (lib/pipeline/early-audio.ts), then run live detection over the rolling window ending at
 * it (lib/pipeline/live-detect.ts) and render the moments that have ended. Chunks of a session run in order
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
    const chunk = await step.run("transcribe", () => transcribeAudioChunk(chunkId));
    if (chunk.status !== "done") return { chunk, live: null };
    const live = await step.run("live-detect", () => detectLive(chunkId));
    if (live.clipIds.length) await step.sendEvent("render-clips", clipRenderEvents(live.clipIds, userId));
    return { chunk, live };
  },
);
