import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { sendTest } from "@/lib/outgoing-webhooks/endpoints";

/** Send a webhook.test delivery now (202; its outcome shows in the delivery log). */
export const POST = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json(await sendTest(user.id, id), { status: 202 });
});
