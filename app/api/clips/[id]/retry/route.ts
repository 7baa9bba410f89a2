import { requireUser } from "@/lib/auth/server";
import { retryClip, ZRetryClip } from "@/lib/clips/retry-clip";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";

/** Render a failed clip again; 202 while it renders. The body is empty (or `{}`). */
export const POST = api<{ id: string }>(async (req, { id }) => {
  const user = await requireUser();
  await readJson(req, ZRetryClip);
  return Response.json({ clip: await retryClip(user.id, id) }, { status: 202 });
});
