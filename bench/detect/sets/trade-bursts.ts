import type { TActivitySecond } from "@/lib/detect";
import type { TSpan } from "../generate/compose";
import { makeRecording, type TBenchRecording, type TBenchSet } from "../generate/set";

/**
 * pump.fun coin activity as a detection signal (decision 024). Each 60-s recording is calm talk cut into 30-s
 * segments, with a per-second activity track beside it: steady background trading and chat all along, and in
 * four of the five a 4-s burst of buys with a market-cap jump at a known time, which is the labelled moment:
 * in calm talk, in calm talk across the segment boundary, in dead air (the streamer silent), and together with
 * a shouted passage (one moment, the union of the two). The fifth is a control with background trading only
 * and nothing to clip: every clip there is a false positive. run.ts also scores the same recordings without
 * their activity (what the audio alone finds).
 */

const SECONDS = 60;
const SEGMENT = 30;
const BURST_SECONDS = 4;

type TCase = { name: string; burstAt: number | null; shoutAt?: number; quiet?: TSpan };

const CASES: TCase[] = [
  { name: "burst-in-calm-talk", burstAt: 14 },
  { name: "burst-across-segment-boundary", burstAt: 28 },
  { name: "burst-in-dead-air", burstAt: 40, quiet: { start: 35, end: 51 } },
  { name: "burst-with-shout", burstAt: 45, shoutAt: 44 },
  { name: "background-trading-only", burstAt: null },
];

/** Background trading (a buy every 4 s, a sell every 6 s, chat every 5 s) and the case's burst. */
export function activityTrack(burstAt: number | null, phase: number): TActivitySecond[] {
  const rows: TActivitySecond[] = [];
  let cap = 38_000 + phase * 1500;
  for (let t = 0; t < SECONDS; t++) {
    const buys = (t + phase) % 4 === 0 ? 1 : 0;
    const sells = (t + phase) % 6 === 0 ? 1 : 0;
    let row: TActivitySecond = {
      t,
      trades: buys + sells,
      buys,
      netBuySol: buys * 0.3 - sells * 0.25,
      marketCap: null,
      chat: (t + phase) % 5 === 0 ? 1 : 0,
    };
    cap += buys * 40 - sells * 35;
    if (burstAt !== null && t >= burstAt && t < burstAt + BURST_SECONDS) {
      cap *= 1.045; // ≈ +18 % over the burst
      row = { ...row, trades: row.trades + 3, buys: row.buys + 3, netBuySol: row.netBuySol + 2.4, chat: row.chat + 2 };
    }
    if (row.trades) row.marketCap = Math.round(cap * 100) / 100;
    if (row.trades || row.chat) rows.push(row);
  }
  return rows;
}

/** The labelled moment: the burst, joined with the shout it comes with; none for the control. */
function labels(c: TCase, shouts: TSpan[]): TSpan[] {
  if (c.burstAt === null) return shouts;
  const burst = { start: c.burstAt, end: c.burstAt + BURST_SECONDS };
  const near = shouts.filter((s) => s.start <= burst.end + 1 && s.end >= burst.start - 1);
  const rest = shouts.filter((s) => !near.includes(s));
  const joined = near.reduce(
    (m, s) => ({ start: Math.min(m.start, s.start), end: Math.max(m.end, s.end) }),
    burst as TSpan,
  );
  return [...rest, joined].sort((a, b) => a.start - b.start);
}

const set: TBenchSet = {
  name: "trade-bursts",
  about: "pump.fun trade bursts in calm talk, across a segment boundary, in dead air, with a shout; a control",
  make: async (dir, tmp) => {
    const out: TBenchRecording[] = [];
    for (const [i, c] of CASES.entries()) {
      const rec = await makeRecording(dir, tmp, {
        name: c.name,
        seconds: SECONDS,
        segmentSeconds: SEGMENT,
        events: c.shoutAt === undefined ? [] : [{ at: c.shoutAt, kind: "shout", variant: i }],
        ...(c.quiet ? { quiet: [c.quiet] } : {}),
        seed: 21 + i,
      });
      out.push({ ...rec, moments: labels(c, rec.moments), activity: activityTrack(c.burstAt, i) });
    }
    return out;
  },
};

export default set;
