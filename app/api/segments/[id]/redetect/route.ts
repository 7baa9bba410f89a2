import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { ZRedetectRequest } from "@/lib/pipeline/redetect-segment";
import { requestRedetect } from "@/lib/segments/request-redetect";

/** Re-run detection on a processed segment with the streamer's current clip settings. */
export const POST = api<{ id: string }>(async (req, { id }) => {
  const user = await requireUser();
  await readJson(req, ZRedetectRequest);
  await requestRedetect(user.id, id);
  return Response.json({ ok: true }, { status: 202 });
});
