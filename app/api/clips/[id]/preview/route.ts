import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { getClipPreview } from "@/lib/studio/clip-preview";

/** A low-resolution proxy of the trim window (rendered on first request, then cached). */
export const GET = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json(await getClipPreview(user.id, id));
});
