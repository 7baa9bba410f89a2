import { inngest } from "@/inngest/client";
import { clipRenderEvents } from "@/inngest/events";
import { requireUser } from "@/lib/auth/server";
import { failClip } from "@/lib/pipeline/render-clip-media";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { createManualClip, ZManualClip } from "@/lib/studio/session-view";

/** A manual clip of { start, end } (stream seconds) from the session's stored recording; 202 while it renders. */
export const POST = api<{ id: string }>(async (req, { id }) => {
  const user = await requireUser();
  const input = await readJson(req, ZManualClip);
  const clip = await createManualClip(user.id, id, input);
  try {
    await inngest.send(clipRenderEvents([clip.id], user.id));
  } catch (err) {
    await failClip(clip.id, "Could not queue the render.");
    throw err;
  }
  return Response.json({ clip }, { status: 202 });
});
