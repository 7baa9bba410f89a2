import { requireUser } from "@/lib/auth/server";
import { listClips, ZClipQuery } from "@/lib/clips/clips";
import { api } from "@/lib/http/api";
import { pollableJson } from "@/lib/http/etag";

export const GET = api(async (req) => {
  const user = await requireUser();
  const q = ZClipQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  return pollableJson(req, await listClips(user.id, q));
});
