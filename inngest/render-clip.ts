import { perAccountMedia } from "./concurrency";
import { inngest } from "./client";
import { clipRequested } from "./events";
import { failClip, renderClipMedia } from "@/lib/pipeline/render-clip-media";

/** clip/render.requested → mp4 + thumbnail in blob storage: frame-accurate, or ("Clip that") a keyframe cut by stream copy. */
export const renderClip = inngest.createFunction(
  {
    id: "render-clip",
    name: "Render clip",
    triggers: [clipRequested],
    retries: 3,
    concurrency: perAccountMedia,
    onFailure: async ({ event, error }) => {
      await failClip(event.data.event.data.clipId, error.message);
    },
  },
  async ({ event, step }) => step.run("render", () => renderClipMedia(event.data.clipId, { cut: event.data.cut })),
);
