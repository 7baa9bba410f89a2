import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { stopSessionNow } from "@/lib/recording/recording-control";

/** Stop this session's recording (a replay, or a live recording). */
export const DELETE = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json(await stopSessionNow(user.id, id));
});
