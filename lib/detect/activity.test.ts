import { describe, expect, it } from "vitest";
import { activityAt, activityBaseline, activityTable, describeActivity } from "./activity";
import { detectOffline } from "./offline";
import type { TActivity, TActivitySecond, TDetectSettings, TSignals } from "./types";

const settings: TDetectSettings = { minClipSeconds: 8, maxClipSeconds: 20, minScore: 40, keywords: [] };
const WINDOW = { start: 0, end: 60 };

/** Calm talk: steady loudness, 2.5 words/s of ordinary words, no pauses except `silent`. */
function calm(silent: [number, number][] = []): TSignals {
  const quiet = (t: number) => silent.some(([a, b]) => t >= a && t < b);
  const loudness = Array.from({ length: 600 }, (_, i) => i / 10).map((t) => ({
    t,
    lufs: quiet(t) ? -72 : -23 + Math.sin(t * 3) * 1.5,
  }));
  const words = Array.from({ length: 150 }, (_, i) => i * 0.4)
    .filter((s) => !quiet(s))
    .map((s, i) => ({ w: ["so", "the", "chart", "today", "we", "talk", "about", "it"][i % 8], s, e: s + 0.3, p: 0.9 }));
  return {
    words,
    loudness,
    silences: silent.map(([start, end]) => ({ start, end })),
    keywordHits: [],
  };
}

/** Background trading: a buy every 4 s and a sell every 6 s over 5 minutes before and during the window. */
function background(from = -240, to = 60): TActivitySecond[] {
  const out: TActivitySecond[] = [];
  let cap = 40_000;
  for (let t = from; t < to; t++) {
    const buys = t % 4 === 0 ? 1 : 0;
    const sells = t % 6 === 0 ? 1 : 0;
    if (!buys && !sells) continue;
    cap += buys * 40 - sells * 35;
    out.push({ t, trades: buys + sells, buys, netBuySol: buys * 0.3 - sells * 0.25, marketCap: cap, chat: 0 });
  }
  return out;
}

/** A burst of `perSecond` buys over [at, at + len), moving the market cap up by `capPct` %. */
function burst(seconds: TActivitySecond[], at: number, len: number, perSecond: number, capPct: number) {
  const rows = new Map(seconds.map((s) => [s.t, { ...s }]));
  const startCap = [...rows.values()].filter((s) => s.t < at).at(-1)?.marketCap ?? 40_000;
  for (let k = 0; k < len; k++) {
    const t = at + k;
    const r = rows.get(t) ?? { t, trades: 0, buys: 0, netBuySol: 0, marketCap: null, chat: 0 };
    r.trades += perSecond;
    r.buys += perSecond;
    r.netBuySol += perSecond * 0.8;
    r.marketCap = startCap * (1 + (capPct / 100) * ((k + 1) / len));
    rows.set(t, r);
  }
  // The cap stays up after the burst.
  for (const r of rows.values()) if (r.t >= at + len && r.marketCap) r.marketCap *= 1 + capPct / 100;
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

const activity = (seconds: TActivitySecond[]): TActivity => ({ from: -240, to: 60, seconds });

describe("coin activity in the offline detector", () => {
  it("clips nothing in calm talk, with or without steady background trading", () => {
    expect(detectOffline({ signals: calm(), window: WINDOW, settings })).toEqual([]);
    expect(
      detectOffline({ signals: { ...calm(), activity: activity(background()) }, window: WINDOW, settings }),
    ).toEqual([]);
  });

  it("clips a burst of buys in calm talk and names the signal in the reason", () => {
    const seconds = burst(background(), 30, 4, 3, 18);
    const out = detectOffline({ signals: { ...calm(), activity: activity(seconds) }, window: WINDOW, settings });
    expect(out).toHaveLength(1);
    const [c] = out;
    expect(c.start).toBeLessThanOrEqual(30);
    expect(c.end).toBeGreaterThanOrEqual(34);
    expect(c.end - c.start).toBeGreaterThanOrEqual(settings.minClipSeconds);
    expect(c.end - c.start).toBeLessThanOrEqual(settings.maxClipSeconds);
    expect(c.reason).toMatch(/^buys \d+(\.\d)?× baseline, net buys \d+\.\d SOL, market cap \+\d+ % in 20 s/);
    expect(c.tags).toContain("market");
    expect(c.score).toBeGreaterThanOrEqual(settings.minScore);
  });

  it("clips a burst in dead air too (the streamer is silent)", () => {
    const seconds = burst(background(), 30, 4, 3, 18);
    const out = detectOffline({
      signals: { ...calm([[24, 42]]), activity: activity(seconds) },
      window: WINDOW,
      settings,
    });
    expect(out).toHaveLength(1);
    expect(out[0].start).toBeLessThanOrEqual(30);
    expect(out[0].end).toBeGreaterThanOrEqual(34);
    expect(out[0].title).toMatch(/^Market moment at 0:2\d$/);
  });

  it("does not take a busy coin's usual pace for a burst", () => {
    // Three trades a second all along: the same three a second in the window are the baseline, not a burst.
    const busy: TActivitySecond[] = [];
    for (let t = -240; t < 60; t++) busy.push({ t, trades: 3, buys: 2, netBuySol: 0.4, marketCap: 90_000, chat: 1 });
    expect(detectOffline({ signals: { ...calm(), activity: activity(busy) }, window: WINDOW, settings })).toEqual([]);
  });

  it("clips a flood of chat and says so", () => {
    const seconds = background().map((s) => ({ ...s }));
    for (let t = 40; t < 45; t++) seconds.push({ t, trades: 0, buys: 0, netBuySol: 0, marketCap: null, chat: 4 });
    seconds.sort((a, b) => a.t - b.t);
    const out = detectOffline({ signals: { ...calm(), activity: activity(seconds) }, window: WINDOW, settings });
    expect(out).toHaveLength(1);
    expect(out[0].reason).toMatch(/^chat \d+× baseline/);
  });
});

describe("activity measures", () => {
  it("measures ratios against the baseline and the market cap change over 20 s", () => {
    const a = activity(burst(background(), 30, 4, 3, 18));
    const base = activityBaseline(a);
    const x = activityAt(a, base, 32);
    expect(x.buys).toBeGreaterThanOrEqual(12);
    expect(x.buyRatio).toBeGreaterThan(6);
    expect(x.capPct).toBeGreaterThan(15);
    expect(describeActivity(x)).toMatch(/^buys \d+× baseline, net buys \d+\.\d SOL, market cap \+\d+ % in 20 s$/);
    expect(describeActivity(activityAt(a, base, -100))).toBe("");
  });

  it("writes a per-5-s table for the LLM: the baseline, then only the spans busier than it", () => {
    const a = activity(burst(background(-240, 60), 30, 4, 3, 18));
    const table = activityTable(a, { start: 20, end: 40 });
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^Baseline over the session's last minutes: \d\.\d\d trades\/s/);
    expect(lines.find((l) => l.startsWith("30–35 s:"))).toMatch(
      /^30–35 s: 1[2-4] trades \(1[2-4] buys, \d+× baseline\)/,
    );
    // The quiet background spans are the baseline, not lines.
    expect(lines.some((l) => l.startsWith("20–25 s:"))).toBe(false);
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(activityTable({ from: 0, to: 60, seconds: [] }, { start: 0, end: 60 })).toBe("");
  });
});
