import { analyticsCsv, getAnalytics, ZAnalyticsQuery } from "@/lib/analytics/analytics";
import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";

export const dynamic = "force-dynamic";

/** The account's numbers over a date range, per day, streamer and session; `format=csv&table=…` downloads one table. */
export const GET = api(async (req) => {
  const user = await requireUser();
  const q = ZAnalyticsQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const a = await getAnalytics(user.id, q);
  if (q.format === "csv") {
    return new Response(analyticsCsv(a, q.table), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="clipstream-${q.table}-${a.range.from}-${a.range.to}.csv"`,
        "cache-control": "no-store",
      },
    });
  }
  return Response.json(a, { headers: { "cache-control": "no-store" } });
});
