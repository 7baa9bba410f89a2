import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { rollSecret } from "@/lib/outgoing-webhooks/endpoints";

/** A new signing secret, shown once; later deliveries are signed with it. */
export const POST = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json(await rollSecret(user.id, id), { headers: { "cache-control": "no-store" } });
});
