import type { TActivity, TActivitySecond } from "./types";

/**
 * pump.fun coin activity as detection signals (decision 024). Everything is relative to the session's own
 * baseline: the mean rate over `activity.from..to` (the window plus up to 5 minutes before it), so a coin that
 * always trades fast needs a bigger burst than a quiet one. Pure functions, shared by both detectors.
 */

/** Seconds of session before a detection window whose activity sets the baseline. */
export const ACTIVITY_LOOKBACK_SECONDS = 300;
/** Trades, buys and chat are counted over this many seconds around a moment. */
const SPAN = 5;
/** Market cap change is measured over this many seconds. */
const CAP_SPAN = 20;
/** Fewer trades (or messages) than this in SPAN is no burst, whatever the ratio. */
const MIN_COUNT = 3;

export type TActivityBaseline = { trades: number; buys: number; chat: number };

export type TActivityAt = {
  trades: number;
  buys: number;
  chat: number;
  netBuySol: number;
  tradeRatio: number;
  buyRatio: number;
  chatRatio: number;
  /** Market cap change over the CAP_SPAN seconds up to the end of the moment's span (%); null without two caps. */
  capPct: number | null;
};

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Per-second means over the activity's span, with floors so that one trade on a dead coin is not a burst. */
export function activityBaseline(a: TActivity): TActivityBaseline {
  const span = Math.max(1, a.to - a.from);
  const sum = (k: "trades" | "buys" | "chat") => a.seconds.reduce((n, s) => n + s[k], 0);
  return {
    trades: Math.max(0.2, sum("trades") / span),
    buys: Math.max(0.1, sum("buys") / span),
    chat: Math.max(0.2, sum("chat") / span),
  };
}

/** The last known market cap at or before `t`, else the first one after it (within `a`); null without any. */
function capAt(seconds: TActivitySecond[], t: number): number | null {
  let before: number | null = null;
  for (const s of seconds) {
    if (s.marketCap === null) continue;
    if (s.t <= t) before = s.marketCap;
    else return before ?? s.marketCap;
  }
  return before;
}

/** The activity around time `c` (seconds [c − 2.5, c + 2.5)) against the baseline. */
export function activityAt(a: TActivity, base: TActivityBaseline, c: number): TActivityAt {
  let trades = 0;
  let buys = 0;
  let chat = 0;
  let netBuySol = 0;
  for (const s of a.seconds) {
    if (s.t + 1 <= c - SPAN / 2 || s.t >= c + SPAN / 2) continue;
    trades += s.trades;
    buys += s.buys;
    chat += s.chat;
    netBuySol += s.netBuySol;
  }
  const c0 = capAt(a.seconds, c + SPAN / 2 - CAP_SPAN);
  const c1 = capAt(a.seconds, c + SPAN / 2);
  return {
    trades,
    buys,
    chat,
    netBuySol,
    tradeRatio: trades / SPAN / base.trades,
    buyRatio: buys / SPAN / base.buys,
    chatRatio: chat / SPAN / base.chat,
    capPct: c0 && c1 && c0 > 0 && c1 !== c0 ? ((c1 - c0) / c0) * 100 : null,
  };
}

function components(x: TActivityAt): number[] {
  const trade =
    x.trades >= MIN_COUNT ? Math.max(clamp((x.buyRatio - 2) / 4, 0, 1), clamp((x.tradeRatio - 2.5) / 4, 0, 1)) : 0;
  // A market cap move counts while the trading that moves it is on (not the quiet after it).
  const trading = x.trades >= MIN_COUNT && x.tradeRatio >= 1.5;
  const cap = x.capPct === null || !trading ? 0 : clamp((Math.abs(x.capPct) - 4) / 12, 0, 1);
  const chat = x.chat >= MIN_COUNT ? 0.85 * clamp((x.chatRatio - 2.5) / 10, 0, 1) : 0;
  return [trade, cap, chat];
}

/** 0–1: how much of a market moment this is (a burst of buys or trades, a market-cap jump, a flood of chat). */
export function activityStrength(x: TActivityAt): number {
  return Math.max(...components(x));
}

/** Score points (0–65) a clip gets for its strongest market moment: 55 × strength, +5 per further signal. */
export function activityPoints(x: TActivityAt): number {
  const c = components(x);
  const more = c.filter((v) => v >= 0.5).length - 1;
  return Math.round(clamp(55 * Math.max(...c) + 5 * Math.max(0, more), 0, 65));
}

const times = (r: number) => `${r >= 10 ? Math.round(r) : Math.round(r * 10) / 10}×`;

/** The reason's words for a market moment ("buys 6× baseline, market cap +18 % in 20 s"); "" when it is none. */
export function describeActivity(x: TActivityAt): string {
  const parts: string[] = [];
  if (x.trades >= MIN_COUNT && x.buyRatio >= 2) parts.push(`buys ${times(x.buyRatio)} baseline`);
  else if (x.trades >= MIN_COUNT && x.tradeRatio >= 2.5) parts.push(`trades ${times(x.tradeRatio)} baseline`);
  if (x.trades >= MIN_COUNT && Math.abs(x.netBuySol) >= 0.5)
    parts.push(`net ${x.netBuySol > 0 ? "buys" : "sells"} ${Math.abs(x.netBuySol).toFixed(1)} SOL`);
  if (x.capPct !== null && x.trades >= MIN_COUNT && x.tradeRatio >= 1.5 && Math.abs(x.capPct) >= 4)
    parts.push(`market cap ${x.capPct > 0 ? "+" : "−"}${Math.round(Math.abs(x.capPct))} % in ${CAP_SPAN} s`);
  if (x.chat >= MIN_COUNT && x.chatRatio >= 2.5) parts.push(`chat ${times(x.chatRatio)} baseline`);
  return parts.length && (parts.length > 1 || !parts[0].startsWith("net")) ? parts.join(", ") : "";
}

/** The strongest market moment among times `ts` (by strength; ties: the earliest). */
export function strongestActivity(a: TActivity, base: TActivityBaseline, ts: number[]): TActivityAt | null {
  let best: TActivityAt | null = null;
  let bestS = 0;
  for (const t of ts) {
    const x = activityAt(a, base, t);
    const s = activityStrength(x) + activityPoints(x) / 1000;
    if (s > bestS) {
      best = x;
      bestS = s;
    }
  }
  return best;
}

/** At most this many 5-s spans go into an LLM prompt (the busiest ones). */
const MAX_TABLE_LINES = 40;

/**
 * A compact per-5-s table of the window's activity for an LLM prompt: the baseline, then the spans busier than
 * it (trades, buys or chat ≥ 1.5× the baseline, or the market cap moving ≥ 3 %), at most MAX_TABLE_LINES of the
 * busiest in time order, each with its ratios and the market cap change over it. Empty when none stands out.
 */
export function activityTable(a: TActivity, window: { start: number; end: number }): string {
  const base = activityBaseline(a);
  const spans: { t: number; line: string; weight: number }[] = [];
  for (let t = Math.floor(window.start / SPAN) * SPAN; t < window.end; t += SPAN) {
    const x = activityAt(a, base, t + SPAN / 2);
    const cap = capAt(a.seconds, t);
    const capEnd = capAt(a.seconds, t + SPAN);
    const capPct = cap && capEnd && cap > 0 ? ((capEnd - cap) / cap) * 100 : 0;
    const busy = Math.max(x.tradeRatio, x.buyRatio, x.chatRatio) >= 1.5 && (x.trades >= 2 || x.chat >= 2);
    if (!busy && Math.abs(capPct) < 3) continue;
    spans.push({
      t,
      weight: Math.max(x.tradeRatio, x.buyRatio, x.chatRatio) + Math.abs(capPct) / 4,
      line:
        `${t.toFixed(0)}–${(t + SPAN).toFixed(0)} s: ${x.trades} trades (${x.buys} buys, ${times(x.buyRatio)} baseline), ` +
        `net ${x.netBuySol >= 0 ? "+" : ""}${x.netBuySol.toFixed(2)} SOL, market cap ${capPct >= 0 ? "+" : ""}${capPct.toFixed(1)} %, ` +
        `${x.chat} chat messages (${times(x.chatRatio)} baseline)`,
    });
  }
  if (!spans.length) return "";
  const kept = spans
    .sort((p, q) => q.weight - p.weight)
    .slice(0, MAX_TABLE_LINES)
    .sort((p, q) => p.t - q.t);
  return [
    `Baseline over the session's last minutes: ${base.trades.toFixed(2)} trades/s, ${base.buys.toFixed(2)} buys/s, ${base.chat.toFixed(2)} chat messages/s. Spans busier than that:`,
    ...kept.map((k) => k.line),
  ].join("\n");
}
