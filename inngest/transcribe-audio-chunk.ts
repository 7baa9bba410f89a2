import { inngest } from "./client";
import { perSessionAndAccount } from "./concurrency";
import { audioChunkReady } from "./events";
import { failAudioChunk, transcribeAudioChunk } from "@/lib/pipeline/early-audio";

/**
 * audio/chunk.ready → transcribe and keyword-spot one stretch of live audio while its segment is still
 * recording (early transcription, lib/pipeline/early-audio.ts). Chunks of a session run in order; a chunk
 * that fails for good is marked ERROR and its segment decodes that stretch itself.
 */
export const transcribeAudioChunkFn = inngest.createFunction(
  {
    id: "transcribe-audio-chunk",
    name: "Transcribe live audio ahead of its segment",
    triggers: [audioChunkReady],
    retries: 2,
    concurrency: perSessionAndAccount,
    onFailure: async ({ event, error }) => {
      await failAudioChunk(event.data.event.data.chunkId, error.message);
    },
  },
  async ({ event, step }) => step.run("transcribe", () => transcribeAudioChunk(event.data.chunkId)),
);
