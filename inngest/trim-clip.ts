import { perAccountMedia } from "./concurrency";
import { inngest } from "./client";
import { clipTrimRequested } from "./events";
import { failTrim, renderTrim } from "@/lib/studio/trim-clip";

/** clip/trim.requested → frame-accurate render of the new range; the clip's media is swapped only after it is stored. */
export const trimClipFn = inngest.createFunction(
  {
    id: "trim-clip",
    name: "Trim clip",
    triggers: [clipTrimRequested],
    retries: 2,
    concurrency: perAccountMedia,
    onFailure: async ({ event, error }) => {
      await failTrim(event.data.event.data.clipId, error.message);
    },
  },
  async ({ event, step }) => step.run("render-trim", () => renderTrim(event.data.clipId)),
);
