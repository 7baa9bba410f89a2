import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { deleteEndpoint, updateEndpoint, ZUpdateEndpoint } from "@/lib/outgoing-webhooks/endpoints";

/** Change the URL, description, events, or enable/disable it. */
export const PATCH = api<{ id: string }>(async (req, { id }) => {
  const user = await requireUser();
  return Response.json({ endpoint: await updateEndpoint(user.id, id, await readJson(req, ZUpdateEndpoint)) });
});

/** Delete it with its delivery log; deliveries still pending are dropped. */
export const DELETE = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  await deleteEndpoint(user.id, id);
  return new Response(null, { status: 204 });
});
