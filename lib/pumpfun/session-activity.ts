import { prisma } from "@/lib/db";

/** At most this many points per activity strip. */
const MAX_POINTS = 300;

export type TActivityStrips = {
  /** Seconds per point; point i covers [i × bucketSeconds, (i + 1) × bucketSeconds). */
  bucketSeconds: number;
  /** Session seconds the strips cover, from 0. */
  span: number;
  trades: number[];
  buys: number[];
  netBuySol: number[];
  /** Market cap (USD) at each point's end: the last known one, carried over points without a trade. */
  marketCap: (number | null)[];
  chat: number[];
};

type TRow = { second: number; trades: number; buys: number; net: number; cap: number | null; chat: number };

/**
 * A pump.fun session's activity for the session page's strips (trades, buys, net SOL, market cap, chat): the
 * owner's rows summed into at most MAX_POINTS buckets over the session (≥ `duration` seconds) in one grouped
 * query. Null when the session has no activity rows (not a pump.fun session, or nothing happened yet).
 */
export async function sessionActivity(
  userId: string,
  sessionId: string,
  duration: number,
): Promise<TActivityStrips | null> {
  // Bucket width from the session's stored length; rows past it (activity ahead of the last segment) widen it.
  const width = Math.max(1, Math.ceil(Math.max(1, duration) / MAX_POINTS));
  const rows = await prisma.$queryRaw<TRow[]>`
    SELECT (a."second" / ${width}::int)::int AS second, sum(a."trades")::int AS trades, sum(a."buys")::int AS buys,
      sum(a."netBuySol")::float8 AS net, sum(a."chat")::int AS chat,
      (array_agg(a."marketCap" ORDER BY a."second" DESC) FILTER (WHERE a."marketCap" IS NOT NULL))[1] AS cap
    FROM "PumpActivity" a
    JOIN "LiveSession" s ON s.id = a."sessionId" AND s."userId" = ${userId}
    WHERE a."sessionId" = ${sessionId}
    GROUP BY 1
    ORDER BY 1`;
  if (!rows.length) return null;
  const span = Math.max(Math.ceil(duration), (rows.at(-1)!.second + 1) * width);
  const factor = Math.max(1, Math.ceil(span / width / MAX_POINTS));
  const bucketSeconds = width * factor;
  const n = Math.ceil(span / bucketSeconds);
  const strips: TActivityStrips = {
    bucketSeconds,
    span,
    trades: new Array<number>(n).fill(0),
    buys: new Array<number>(n).fill(0),
    netBuySol: new Array<number>(n).fill(0),
    marketCap: new Array<number | null>(n).fill(null),
    chat: new Array<number>(n).fill(0),
  };
  for (const r of rows) {
    const i = Math.min(n - 1, Math.floor(r.second / factor));
    strips.trades[i] += r.trades;
    strips.buys[i] += r.buys;
    strips.netBuySol[i] += r.net;
    strips.chat[i] += r.chat;
    if (r.cap !== null) strips.marketCap[i] = r.cap;
  }
  let cap: number | null = null;
  strips.marketCap = strips.marketCap.map((c) => (cap = c ?? cap));
  strips.netBuySol = strips.netBuySol.map((x) => Math.round(x * 1000) / 1000);
  return strips;
}
