import { inngest } from "@/inngest/client";
import { segmentRedetect } from "@/inngest/events";
import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { prepareRedetect, ZRedetectRequest } from "@/lib/pipeline/redetect-segment";

/** Re-run detection on a processed segment with the streamer's current clip settings. */
export const POST = api<{ id: string }>(async (req, { id }) => {
  const user = await requireUser();
  await readJson(req, ZRedetectRequest);
  const data = await prepareRedetect(user.id, id);
  await inngest.send({ name: segmentRedetect.name, data });
  return Response.json({ ok: true }, { status: 202 });
});
