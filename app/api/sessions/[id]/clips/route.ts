import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { queueManualClip } from "@/lib/studio/queue-manual-clip";
import { ZManualClip } from "@/lib/studio/session-view";

/** A manual clip of { start, end } (stream seconds) from the session's stored recording; 202 while it renders. */
export const POST = api<{ id: string }>(async (req, { id }) => {
  const user = await requireUser();
  const input = await readJson(req, ZManualClip);
  return Response.json({ clip: await queueManualClip(user.id, id, input) }, { status: 202 });
});
