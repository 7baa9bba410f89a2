import { createToken, listTokens, ZCreateToken } from "@/lib/api-tokens/tokens";
import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";

export const dynamic = "force-dynamic";

/** The account's API tokens (never their secrets). Signed in only: a token cannot list or make tokens. */
export const GET = api(async () => {
  const user = await requireUser({ signedIn: true });
  return Response.json({ tokens: await listTokens(user.id) }, { headers: { "cache-control": "no-store" } });
});

/** A new token: `{ token, secret }`, the only answer that ever holds the secret. */
export const POST = api(async (req) => {
  const user = await requireUser({ signedIn: true });
  const created = await createToken(user.id, await readJson(req, ZCreateToken));
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});
