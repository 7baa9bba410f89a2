import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { requestClipPreview } from "@/lib/studio/clip-preview";

/** A low-resolution proxy of the trim window: 200 with its URL once stored, 202 while the render-preview function renders it. */
export const GET = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  const preview = await requestClipPreview(user.id, id);
  return Response.json(preview, { status: preview.status === "ready" ? 200 : 202 });
});
