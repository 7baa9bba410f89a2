import { inngest } from "@/inngest/client";
import { clipTrimRequested } from "@/inngest/events";
import { requireUser } from "@/lib/auth/server";
import { getClip } from "@/lib/clips/clips";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { failTrim, requestTrim, ZRange } from "@/lib/studio/trim-clip";

/** Re-cut the clip to { start, end } (stream seconds); 202 while the new range renders. */
export const POST = api<{ id: string }>(async (req, { id }) => {
  const user = await requireUser();
  const input = await readJson(req, ZRange);
  await requestTrim(user.id, id, input);
  try {
    await inngest.send({ name: clipTrimRequested.name, data: { clipId: id, userId: user.id } });
  } catch (err) {
    await failTrim(id, "Could not queue the render.");
    throw err;
  }
  return Response.json({ clip: await getClip(user.id, id) }, { status: 202 });
});
