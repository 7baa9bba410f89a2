import { inngest } from "./client";
import { clipRequested } from "./events";
import { failClip, renderClipMedia } from "@/lib/pipeline/render-clip-media";

/** clip/render.requested → frame-accurate mp4 + thumbnail in blob storage. */
export const renderClip = inngest.createFunction(
  {
    id: "render-clip",
    name: "Render clip",
    triggers: [clipRequested],
    retries: 3,
    concurrency: [{ limit: 2 }],
    onFailure: async ({ event, error }) => {
      await failClip(event.data.event.data.clipId, error.message);
    },
  },
  async ({ event, step }) => step.run("render", () => renderClipMedia(event.data.clipId)),
);
