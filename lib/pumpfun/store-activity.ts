import { prisma } from "@/lib/db";
import type { TActivityBatch } from "@/lib/recorder/protocol";

/**
 * Stores a batch of a session's per-second pump.fun activity in one statement (one row per second; a resent
 * second replaces its row). A batch for a session that no longer exists stores nothing. Returns the rows written.
 */
export async function storeActivity(batch: TActivityBatch): Promise<number> {
  const s = batch.seconds;
  return prisma.$executeRaw`
    INSERT INTO "PumpActivity" ("sessionId", "second", "trades", "buys", "netBuySol", "marketCap", "chat")
    SELECT ${batch.sessionId}, u.second, u.trades, u.buys, u.net, u.cap, u.chat
    FROM unnest(
      ${s.map((x) => x.second)}::int[], ${s.map((x) => x.trades)}::int[], ${s.map((x) => x.buys)}::int[],
      ${s.map((x) => x.netBuySol)}::float8[], ${s.map((x) => x.marketCap)}::float8[], ${s.map((x) => x.chat)}::int[]
    ) AS u(second, trades, buys, net, cap, chat)
    WHERE EXISTS (SELECT 1 FROM "LiveSession" WHERE id = ${batch.sessionId})
    ON CONFLICT ("sessionId", "second") DO UPDATE SET
      "trades" = EXCLUDED."trades", "buys" = EXCLUDED."buys", "netBuySol" = EXCLUDED."netBuySol",
      "marketCap" = EXCLUDED."marketCap", "chat" = EXCLUDED."chat"`;
}
