import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { getLiveBuffer, liveEdgeDto } from "@/lib/live-view/live-buffer";

/** The live edge of a recording session (session seconds) and its playlist; 404 without a live buffer. */
export const GET = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  const live = liveEdgeDto(await getLiveBuffer(user.id, id));
  return Response.json({ live }, { headers: { "cache-control": "no-store" } });
});
