import { requireUser } from "@/lib/auth/server";
import { getDashboard } from "@/lib/dashboard/get-dashboard";
import { api } from "@/lib/http/api";

export const dynamic = "force-dynamic";

export const GET = api(async () => {
  const user = await requireUser();
  return Response.json(await getDashboard(user.id), { headers: { "cache-control": "no-store" } });
});
