import { prisma } from "@/lib/db";
import { ACTIVITY_LOOKBACK_SECONDS } from "@/lib/detect/activity";
import type { TActivity, TWindow } from "@/lib/detect";

/**
 * The coin activity detection reads for a window: the seconds of the window and of the ACTIVITY_LOOKBACK_SECONDS
 * before it (the baseline). One range read of the primary key (session, second): at most a few hundred rows.
 * Pipeline-internal (the caller already holds the session); the session page reads through `sessionActivity`.
 */
export async function readActivity(sessionId: string, window: TWindow): Promise<TActivity> {
  const from = Math.max(0, Math.floor(window.start - ACTIVITY_LOOKBACK_SECONDS));
  const to = Math.ceil(window.end);
  const rows = await prisma.pumpActivity.findMany({
    where: { sessionId, second: { gte: from, lt: to } },
    select: { second: true, trades: true, buys: true, netBuySol: true, marketCap: true, chat: true },
    orderBy: { second: "asc" },
  });
  return { from, to, seconds: rows.map(({ second, ...r }) => ({ t: second, ...r })) };
}
