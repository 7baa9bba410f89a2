import { requireUser } from "@/lib/auth/server";
import { shareClip, unshareClip } from "@/lib/clips/clips";
import { env } from "@/lib/env";
import { api } from "@/lib/http/api";

export const POST = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  const { shareSlug } = await shareClip(user.id, id);
  return Response.json({ shareSlug, url: new URL(`/c/${shareSlug}`, env.APP_URL).toString() });
});

export const DELETE = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  await unshareClip(user.id, id);
  return new Response(null, { status: 204 });
});
