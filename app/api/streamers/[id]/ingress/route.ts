import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { createIngress, ZCreateIngress } from "@/lib/livekit/create-ingress";

type P = { id: string };

/** Creates an RTMP/WHIP ingress into the streamer's LiveKit room; the stream key is shown once, never stored. */
export const POST = api<P>(async (req, { id }) => {
  const user = await requireUser();
  const ingress = await createIngress(user.id, id, await readJson(req, ZCreateIngress));
  return Response.json({ ingress }, { status: 201, headers: { "cache-control": "no-store" } });
});
