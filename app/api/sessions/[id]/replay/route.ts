import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { retryReplay } from "@/lib/recording/replay";

/** Start again a replay whose start failed (the recorder was unreachable): 202 with the session's id. */
export const POST = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json(await retryReplay(user.id, id), { status: 202 });
});
