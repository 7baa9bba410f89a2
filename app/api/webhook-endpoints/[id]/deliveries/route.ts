import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { listDeliveries } from "@/lib/outgoing-webhooks/endpoints";

export const dynamic = "force-dynamic";

/** The endpoint's 50 latest deliveries: event, status, attempts, last answer. */
export const GET = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json({ deliveries: await listDeliveries(user.id, id) }, { headers: { "cache-control": "no-store" } });
});
