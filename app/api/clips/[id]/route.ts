import { requireUser } from "@/lib/auth/server";
import { getClip, reviewClip, ZClipReviewPatch } from "@/lib/clips/clips";
import { deleteClip } from "@/lib/clips/delete-clip";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";

export const GET = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json({ clip: await getClip(user.id, id) });
});

/** Review: `{ review?: "PENDING" | "APPROVED" | "REJECTED", favorite?: boolean }`. */
export const PATCH = api<{ id: string }>(async (req, { id }) => {
  const user = await requireUser();
  const patch = await readJson(req, ZClipReviewPatch, 4096);
  return Response.json({ clip: await reviewClip(user.id, id, patch) });
});

/** The clip and every file it has (renders, thumbnails, previews, exports). */
export const DELETE = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  await deleteClip(user.id, id);
  return new Response(null, { status: 204 });
});
