import { perAccountCopy, perAccountMedia } from "./concurrency";
import { inngest } from "./client";
import { clipRequested } from "./events";
import { failClip, renderClipMedia } from "@/lib/pipeline/render-clip-media";

/**
 * clip/render.requested → mp4 + thumbnail in blob storage. Two lanes of one handler (renderClipMedia): a
 * re-encode takes a core for seconds, a keyframe cut copies the live parts in a fraction of one, so the cuts
 * asked for as `keyframe` ("Clip that", live-edge clips under backpressure) do not queue behind re-encodes.
 */
export const renderClip = inngest.createFunction(
  {
    id: "render-clip",
    name: "Render clip",
    triggers: [{ event: clipRequested, if: "event.data.cut != 'keyframe'" }],
    retries: 3,
    concurrency: perAccountMedia,
    onFailure: async ({ event, error }) => {
      await failClip(event.data.event.data.clipId, error.message);
    },
  },
  async ({ event, step }) =>
    step.run("render", () => renderClipMedia(event.data.clipId, { cut: event.data.cut ?? undefined })),
);

/** The keyframe lane: stream copies from the live parts (a cut the parts cannot give is re-encoded here too). */
export const renderClipKeyframe = inngest.createFunction(
  {
    id: "render-clip-keyframe",
    name: "Render clip (keyframe cut)",
    triggers: [{ event: clipRequested, if: "event.data.cut == 'keyframe'" }],
    retries: 3,
    concurrency: perAccountCopy,
    onFailure: async ({ event, error }) => {
      await failClip(event.data.event.data.clipId, error.message);
    },
  },
  async ({ event, step }) => step.run("render", () => renderClipMedia(event.data.clipId, { cut: "keyframe" })),
);
