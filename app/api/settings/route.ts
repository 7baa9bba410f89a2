import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { getSettings, updateSettings, ZUpdateSettings } from "@/lib/settings/settings";

export const dynamic = "force-dynamic";

export const GET = api(async () => {
  const user = await requireUser();
  return Response.json({ settings: await getSettings(user.id) }, { headers: { "cache-control": "no-store" } });
});

export const PATCH = api(async (req) => {
  const user = await requireUser();
  return Response.json({ settings: await updateSettings(user.id, await readJson(req, ZUpdateSettings)) });
});
