import { requireUser } from "@/lib/auth/server";
import { getDashboard } from "@/lib/dashboard/get-dashboard";
import { api } from "@/lib/http/api";
import { pollableJson } from "@/lib/http/etag";

export const dynamic = "force-dynamic";

export const GET = api(async (req) => {
  const user = await requireUser();
  return pollableJson(req, await getDashboard(user.id));
});
