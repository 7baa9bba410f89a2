import { revokeToken } from "@/lib/api-tokens/tokens";
import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";

/** Revokes a token: the next request made with it gets 401. */
export const DELETE = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser({ signedIn: true });
  await revokeToken(user.id, id);
  return new Response(null, { status: 204 });
});
