import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { queueClipTrim } from "@/lib/studio/queue-clip-trim";
import { ZRange } from "@/lib/studio/trim-clip";

/** Re-cut the clip to { start, end } (stream seconds); 202 while the new range renders. */
export const POST = api<{ id: string }>(async (req, { id }) => {
  const user = await requireUser();
  const input = await readJson(req, ZRange);
  return Response.json({ clip: await queueClipTrim(user.id, id, input) }, { status: 202 });
});
