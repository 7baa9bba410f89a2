import { perAccountMedia } from "./concurrency";
import { inngest } from "./client";
import { exportRequested } from "./events";
import { failExport, renderExport } from "@/lib/studio/exports";

/** clip/export.requested → the clip at the preset's size and layout, captions burned in, progress on the row. */
export const exportClipFn = inngest.createFunction(
  {
    id: "export-clip",
    name: "Export clip",
    triggers: [exportRequested],
    retries: 2,
    concurrency: perAccountMedia,
    onFailure: async ({ event, error }) => {
      await failExport(event.data.event.data.exportId, error.message);
    },
  },
  async ({ event, step }) => step.run("render-export", () => renderExport(event.data.exportId)),
);
