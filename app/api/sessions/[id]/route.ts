import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { getSessionView } from "@/lib/studio/session-view";

export const GET = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json(await getSessionView(user.id, id));
});
