import { perAccountMedia } from "./concurrency";
import { inngest } from "./client";
import { previewRequested } from "./events";
import { failPreview, renderPreview } from "@/lib/studio/render-preview";

/** clip/preview.requested → the trim editor's low-resolution proxy of a window, rendered once per window. */
export const renderPreviewFn = inngest.createFunction(
  {
    id: "render-preview",
    name: "Render trim preview",
    triggers: [previewRequested],
    retries: 1,
    concurrency: perAccountMedia,
    onFailure: async ({ event, error }) => {
      await failPreview(event.data.event.data.previewId, error.message);
    },
  },
  async ({ event, step }) => step.run("render-preview", () => renderPreview(event.data.previewId)),
);
