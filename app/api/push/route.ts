import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { pushStatus } from "@/lib/notifications/subscriptions";

export const dynamic = "force-dynamic";

/** The server's VAPID public key (for PushManager.subscribe) and how many of the account's devices get pushes. */
export const GET = api(async () => {
  const user = await requireUser();
  return Response.json(await pushStatus(user.id), { headers: { "cache-control": "no-store" } });
});
