import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readBody } from "@/lib/http/read-json";
import { parseSessionClipInput, queueManualClip } from "@/lib/studio/queue-manual-clip";

/**
 * A manual clip, 202 while it renders: `{ start, end }` (stream seconds) from the session's stored recording,
 * or `{ last, at? }`, the last `last` seconds of the live buffer ending at `at` or the live edge ("Clip that").
 */
export const POST = api<{ id: string }>(async (req, { id }) => {
  const user = await requireUser();
  const input = parseSessionClipInput(await readBody(req));
  return Response.json({ clip: await queueManualClip(user.id, id, input) }, { status: 202 });
});
