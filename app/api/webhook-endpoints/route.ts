import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { createEndpoint, listEndpoints, ZCreateEndpoint } from "@/lib/outgoing-webhooks/endpoints";

export const dynamic = "force-dynamic";

/** The account's outgoing webhook endpoints (never their secrets). */
export const GET = api(async () => {
  const user = await requireUser();
  return Response.json({ endpoints: await listEndpoints(user.id) }, { headers: { "cache-control": "no-store" } });
});

/** A new endpoint: `{ endpoint, secret }`, the only answer holding its signing secret. */
export const POST = api(async (req) => {
  const user = await requireUser();
  const created = await createEndpoint(user.id, await readJson(req, ZCreateEndpoint));
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});
