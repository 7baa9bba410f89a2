import { requireUser } from "@/lib/auth/server";
import { getClip } from "@/lib/clips/clips";
import { api } from "@/lib/http/api";

export const GET = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json({ clip: await getClip(user.id, id) });
});
