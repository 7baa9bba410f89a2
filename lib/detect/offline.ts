import type { TWord } from "@/lib/transcribe/types";
import {
  activityAt,
  activityBaseline,
  activityPoints,
  activityStrength,
  describeActivity,
  strongestActivity,
  type TActivityBaseline,
} from "./activity";
import type { TActivity, TCandidate, TDetectInput, Detector, TWindow } from "./types";

/**
 * The offline detector: a deterministic score over the window's own signals.
 *  - loudness: the level sustained over 2.5 s above the talk's typical level (median over the window's speech),
 *    beyond the talk's own spread (5 × its 60th percentile's distance, at least 6 LU), where words are spoken:
 *    people talk louder and softer sentence by sentence, a syllable peaks higher still, and a door slam or a
 *    jingle is loud without anyone speaking, so none is a moment (momentary LUFS still draws a burst's edges),
 *  - keywords: excitement phrases (defaults + the streamer's), from keyword spotting and from the transcript;
 *    a multi-word phrase or the streamer's own keyword is strong evidence, a lone "what" or "wow" weak (it is
 *    said all the time, and keyword spotting hears it in calm talk),
 *  - speech rate: words per second against the window's typical rate,
 *  - silence: dead air is never a peak, and clip edges snap to pauses / word boundaries,
 *  - pump.fun coin activity (lib/detect/activity.ts): a burst of buys or trades, a market-cap jump or a flood of
 *    chat against the session's own baseline is a moment by itself, in calm talk or dead air too.
 * Peaks of the combined activation grow into "hot" regions, which become clips of [min, max] seconds with a
 * lead-in, snapped, merged and ranked.
 */

export const EXCITEMENT_PHRASES = [
  "oh my god",
  "no way",
  "let's go",
  "lets go",
  "insane",
  "huge",
  "crazy",
  "wow",
  "unbelievable",
  "what",
  "holy",
  "clutch",
  "amazing",
  "incredible",
  "yes",
];

const BIN = 0.5; // seconds per activation bin
const FLOOR_LUFS = -70;
const VOICED_LUFS = -60;
const MIN_ACTIVATION = 0.25;
/** Loudness is judged as the energy mean over this many bins (2.5 s) centred on a bin. */
const SUSTAIN_BINS = 5;
/**
 * Sustained loudness must be this far above the talk's typical level at least (LU) to count at all: talk
 * varies by ±5 dB sentence to sentence, a shout is 10 LU and more above it…
 */
const MIN_LOUD_LU = 6;
/** …and counts in full this far beyond that (LU). */
const FULL_LOUD_LU = 6;
/** Speech rate counts from this multiple of the window's median rate. */
const FAST_RATE = 1.3;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const r2 = (x: number) => Math.round(x * 100) / 100;

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Linear-interpolated quantile (0–1) of xs. */
function quantile(xs: number[], q: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/[^a-z' ]+/g, " ")
    .replace(/'/g, "")
    .trim()
    .split(/\s+/)
    .filter(Boolean);

type THit = { phrase: string; t: number; strong?: boolean };

/**
 * Keyword hits from spotting plus phrase matches in the transcript, de-duplicated within 0.35 s ("let's go,
 * let's go" is two); a weak (single-word) hit within 0.75 s of another hit is the same spoken word heard
 * twice ("what" and "wow").
 */
function collectHits(words: TWord[], spotted: THit[], phrases: string[], strong: (p: string) => boolean): THit[] {
  const wanted = new Map<string, string>();
  for (const p of phrases) {
    const k = norm(p).join(" ");
    if (k && !wanted.has(k)) wanted.set(k, p);
  }
  const hits: THit[] = [];
  for (const h of spotted) {
    const k = norm(h.phrase).join(" ");
    hits.push({ phrase: wanted.get(k) ?? h.phrase, t: h.t });
  }
  const toks = words.map((w) => norm(w.w).join(""));
  for (const [k, phrase] of wanted) {
    const parts = k.split(" ");
    for (let i = 0; i + parts.length <= toks.length; i++) {
      if (parts.every((p, j) => toks[i + j] === p)) hits.push({ phrase, t: words[i].s });
    }
  }
  hits.sort((a, b) => a.t - b.t || a.phrase.localeCompare(b.phrase));
  const out: THit[] = [];
  for (const h of hits) {
    const key = norm(h.phrase).join(" ");
    const near = out.filter((o) => Math.abs(o.t - h.t) < 0.75);
    // The same phrase from spotting and from the transcript (or twice from one) within 0.35 s is one utterance.
    if (near.some((o) => norm(o.phrase).join(" ") === key && Math.abs(o.t - h.t) < 0.35)) continue;
    const hit = { ...h, strong: strong(h.phrase) };
    if (!hit.strong && near.length) continue;
    // A strong phrase replaces a weak word heard at its start ("oh" of "oh my god" spotted as "wow").
    for (const o of near) if (!o.strong) out.splice(out.indexOf(o), 1);
    out.push(hit);
  }
  return out;
}

type TBins = {
  t: number[]; // bin start times
  excess: number[]; // momentary LU above baseline (draws a loud burst's edges)
  sustained: number[]; // sustained LU above the talk's typical level
  loudC: number[]; // loudness evidence 0–1: sustained level beyond the talk's spread, where someone speaks
  rate: number[]; // words/s around the bin
  activation: number[];
  silent: boolean[];
  /** Louder than the baseline's dead zone. */
  loud: boolean[];
  /** 0–1 market moment strength per bin (coin activity); all 0 without activity. */
  market: number[];
  activity: { a: TActivity; base: TActivityBaseline } | null;
};

/** Energy mean (in LUFS) of the momentary frames in bins [i - SUSTAIN_BINS/2, i + SUSTAIN_BINS/2]. */
function sustainedLoudness(energy: number[], frames: number[]): number[] {
  const half = Math.floor(SUSTAIN_BINS / 2);
  return energy.map((_, i) => {
    let e = 0;
    let k = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(energy.length - 1, i + half); j++) {
      e += energy[j];
      k += frames[j];
    }
    return k && e > 0 ? Math.max(FLOOR_LUFS, 10 * Math.log10(e / k)) : FLOOR_LUFS;
  });
}

function buildBins(input: TDetectInput, hits: THit[]): TBins & { baseline: number; medianRate: number } {
  const { window, signals } = input;
  const n = Math.max(1, Math.ceil((window.end - window.start) / BIN));
  const t = Array.from({ length: n }, (_, i) => window.start + i * BIN);
  const idx = (x: number) => Math.floor((x - window.start) / BIN);

  const loud = new Array<number>(n).fill(FLOOR_LUFS);
  const energy = new Array<number>(n).fill(0);
  const frames = new Array<number>(n).fill(0);
  const inWin = signals.loudness.filter((p) => p.t >= window.start && p.t <= window.end);
  // ebur128's momentary value at t describes the 400 ms before t.
  for (const p of inWin) {
    const i = clamp(idx(p.t - 0.2), 0, n - 1);
    loud[i] = Math.max(loud[i], p.lufs);
    energy[i] += p.lufs <= FLOOR_LUFS ? 0 : 10 ** (p.lufs / 10);
    frames[i]++;
  }
  const voiced = inWin.map((p) => p.lufs).filter((l) => l > VOICED_LUFS);
  const pool = voiced.length >= 10 ? voiced : inWin.map((p) => p.lufs);
  const baseline = median(pool);
  const mad = median(pool.map((l) => Math.abs(l - baseline))) * 1.4826;
  const deadzone = Math.max(3, 2 * mad);
  const excess = loud.map((l) => (l <= FLOOR_LUFS ? 0 : l - baseline));

  const words = signals.words.filter((w) => w.s >= window.start && w.s <= window.end);
  const rate = t.map((b) => {
    const c = b + BIN / 2;
    return words.filter((w) => w.s >= c - 1.5 && w.s < c + 1.5).length / 3;
  });
  const medianRate = median(rate.filter((r) => r > 0));

  const inSilence = (a: number, b: number) => signals.silences.some((s) => s.start <= a && s.end >= b);

  const act = signals.activity?.seconds.length ? signals.activity : null;
  const base = act ? activityBaseline(act) : null;
  const market = t.map((b) => (act && base ? activityStrength(activityAt(act, base, b + BIN / 2)) : 0));
  // A market moment is not dead air, even when nobody speaks.
  const silent = t.map((b, i) => inSilence(b, b + BIN) && market[i] < 0.2);

  // The talk's typical level and spread: sustained loudness over the bins with speech in them.
  const level = sustainedLoudness(energy, frames);
  const speech = level.filter((l, i) => !silent[i] && l > VOICED_LUFS);
  const talk = speech.length >= 10 ? speech : level.filter((l) => l > FLOOR_LUFS);
  const typical = median(talk);
  // How much louder the talk gets on its own, from its 60th percentile's distance to the median (≈ 0.25 σ, so
  // × 5 ≈ 1.3 σ): robust to a loud moment filling up to 40 % of the window (a stream's first windows).
  const spread = Math.max(MIN_LOUD_LU, 5 * (quantile(talk, 0.6) - typical));
  const sustained = level.map((l) => (l <= FLOOR_LUFS ? 0 : l - typical));
  // Loudness is a person getting loud: where the transcript has words around but hardly any spoken in the
  // loud part of this stretch (a door slam, a jingle, a cough), it counts a third per word there. With no
  // words for seconds around (not transcribed: a live chunk decoded cheaply), loudness counts as it is.
  const loudBins = excess.map((e) => e > deadzone);
  const wordsIn = new Array<number>(n).fill(0);
  for (const w of words) if (w.s >= window.start && w.s < window.end) wordsIn[idx(w.s)]++;
  const half = Math.floor(SUSTAIN_BINS / 2);
  const loudC = t.map((b, i) => {
    const c = b + BIN / 2;
    let spoken = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(n - 1, i + half); j++) if (loudBins[j]) spoken += wordsIn[j];
    const transcribed = words.some((w) => w.s >= c - 4 && w.s < c + 4);
    const speaking = transcribed ? clamp(spoken / 3, 0, 1) : 1;
    return clamp((sustained[i] - spread) / FULL_LOUD_LU, 0, 1) * speaking;
  });

  const activation = t.map((b, i) => {
    if (silent[i]) return 0;
    const c = b + BIN / 2;
    // A hit marks the phrase's start: it lights up the second and a half after it, barely the time before.
    const near = hits.filter((h) => c >= h.t - 0.5 && c <= h.t + 1.5);
    const kw = clamp(near.reduce((k, h) => k + (h.strong ? 1 : 0.5), 0) / 2, 0, 1);
    const rateC = medianRate > 0 ? clamp((rate[i] - medianRate * FAST_RATE) / medianRate, 0, 1) : 0;
    return 0.55 * loudC[i] + 0.3 * kw + 0.15 * rateC + 0.5 * market[i];
  });
  const activity = act && base ? { a: act, base } : null;
  return {
    t,
    excess,
    sustained,
    loudC,
    rate,
    activation,
    silent,
    loud: loudBins,
    market,
    activity,
    baseline,
    medianRate,
  };
}

/**
 * Grows a region around a peak bin while activation stays ≥ 40 % of the peak, bridging short dips (≤ 1.5 s)
 * but never a silence: a pause before the burst is where the moment begins. A burst that is loud ends where
 * the loudness is back at the baseline: calm speech after it (even with a misheard "what" or "wow", or fast
 * talk) does not extend it; nor does a weaker peak's region reach into a stronger one's (claimed) bins.
 */
function growRegion(
  act: number[],
  silent: boolean[],
  loud: boolean[],
  claimed: boolean[],
  peak: number,
): [number, number] {
  const floor = act[peak] * 0.4;
  const maxGap = Math.round(1.5 / BIN);
  const inside = (i: number) => act[i] >= floor && (!loud[peak] || loud[i]);
  let lo = peak;
  let hi = peak;
  for (let i = peak - 1, gap = 0; i >= 0 && gap <= maxGap && !silent[i] && !claimed[i]; i--) {
    if (inside(i)) {
      lo = i;
      gap = 0;
    } else gap++;
  }
  for (let i = peak + 1, gap = 0; i < act.length && gap <= maxGap && !silent[i] && !claimed[i]; i++) {
    if (inside(i)) {
      hi = i;
      gap = 0;
    } else gap++;
  }
  return [lo, hi];
}

/** Fits [start, end] to [min, max] seconds and into the window, keeping `keep` covered when it can. */
function fitRange(
  start: number,
  end: number,
  keep: [number, number],
  peakT: number,
  w: TWindow,
  min: number,
  max: number,
) {
  const avail = w.end - w.start;
  const lo = Math.min(min, avail);
  const hi = Math.min(max, avail);
  let len = end - start;
  if (len < lo) {
    const add = lo - len;
    start -= add * 0.6;
    end += add * 0.4;
  } else if (len > hi) {
    // Too long: keep the peak with a lead-in, then as much of the region as fits.
    start = Math.max(keep[0] - 2, Math.min(start, peakT - hi * 0.35));
    end = start + hi;
  }
  len = end - start;
  if (start < w.start) {
    start = w.start;
    end = w.start + len;
  }
  if (end > w.end) {
    end = w.end;
    start = Math.max(w.start, w.end - len);
  }
  return { start, end };
}

/** Moves clip edges off the middle of words and out of long pauses. */
function snap(start: number, end: number, words: TWord[], silences: { start: number; end: number }[]) {
  const sIn = silences.find((s) => s.start < start && s.end > start);
  if (sIn) start = Math.max(sIn.start, sIn.end - 0.3);
  const wIn = words.find((x) => x.s < start && x.e > start);
  if (wIn) start = wIn.s - 0.1;
  const eSil = silences.find((s) => s.start < end && s.end > end);
  if (eSil) end = Math.min(eSil.end, eSil.start + 0.4);
  const eWord = words.find((x) => x.s < end && x.e > end);
  if (eWord) end = eWord.e + 0.15;
  return { start, end };
}

function fmtClock(t: number) {
  const s = Math.max(0, Math.floor(t));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${hh ? `${hh}:` : ""}${String(mm).padStart(hh ? 2 : 1, "0")}:${String(ss).padStart(2, "0")}`;
}

export function detectOffline(input: TDetectInput): TCandidate[] {
  const { signals, window: w, settings } = input;
  if (!(w.end > w.start)) return [];
  const words = [...signals.words].sort((a, b) => a.s - b.s);
  const userKeys = new Set(settings.keywords.map((k) => norm(k).join(" ")));
  const hits = collectHits(
    words.filter((x) => x.s >= w.start && x.s <= w.end),
    signals.keywordHits.filter((h) => h.t >= w.start && h.t <= w.end),
    [...EXCITEMENT_PHRASES, ...settings.keywords],
    (p) => userKeys.has(norm(p).join(" ")) || norm(p).length > 1,
  );
  const bins = buildBins(input, hits);
  const act = bins.activation;

  // Peaks, strongest first (ties: earliest), each claiming its region so one moment yields one clip.
  const order = act
    .map((a, i) => i)
    .filter((i) => act[i] >= MIN_ACTIVATION)
    .sort((a, b) => act[b] - act[a] || a - b);
  const claimed = new Array<boolean>(act.length).fill(false);
  // Pauses during a market moment are part of it: clip edges do not snap into them.
  const marketIn = (a: number, b: number) => bins.t.some((t, i) => bins.market[i] >= 0.2 && t + BIN > a && t < b);
  const snapSilences = signals.silences.filter((x) => !marketIn(x.start, x.end));
  const raw: TCandidate[] = [];
  for (const peak of order) {
    if (claimed[peak]) continue;
    const [lo, hi] = growRegion(act, bins.silent, bins.loud, claimed, peak);
    for (let i = lo; i <= hi; i++) claimed[i] = true;
    const region: [number, number] = [bins.t[lo], bins.t[hi] + BIN];
    const peakT = bins.t[peak] + BIN / 2;
    const leadIn = clamp((region[1] - region[0]) * 0.25, 1.5, 4);
    let { start, end } = fitRange(
      region[0] - leadIn,
      region[1] + 1,
      region,
      peakT,
      w,
      settings.minClipSeconds,
      settings.maxClipSeconds,
    );
    ({ start, end } = snap(start, end, words, snapSilences));
    ({ start, end } = fitRange(start, end, region, peakT, w, settings.minClipSeconds, settings.maxClipSeconds));
    raw.push(describe({ start: r2(start), end: r2(end), region, lo, hi, bins, hits, words }));
  }

  // Overlapping clips are one moment: keep the stronger.
  const ranked = raw.sort((a, b) => b.score - a.score || a.start - b.start);
  const kept: TCandidate[] = [];
  for (const c of ranked) if (!kept.some((k) => Math.min(k.end, c.end) - Math.max(k.start, c.start) > 0)) kept.push(c);
  return kept.filter((c) => c.score >= settings.minScore);
}

function describe(a: {
  start: number;
  end: number;
  region: [number, number];
  lo: number;
  hi: number;
  bins: ReturnType<typeof buildBins>;
  hits: THit[];
  words: TWord[];
}): TCandidate {
  const { bins } = a;
  let excess = 0;
  let loudC = 0;
  let rate = 0;
  for (let i = a.lo; i <= a.hi; i++) {
    excess = Math.max(excess, bins.sustained[i]);
    loudC = Math.max(loudC, bins.loudC[i]);
    rate = Math.max(rate, bins.rate[i]);
  }
  const inClip = a.hits.filter((h) => h.t >= a.start && h.t <= a.end);
  const phrases = [...new Set(inClip.map((h) => h.phrase))];
  const rateRatio = bins.medianRate > 0 ? rate / bins.medianRate : 1;

  // Loudness counts beyond the talk's own spread, as the activation does: a louder sentence is not a moment.
  const loudPts = loudC * 50;
  // Multi-word phrases and the streamer's own keywords are strong evidence; lone words ("what", "wow") add at
  // most three small amounts (people say them all the time, and keyword spotting mishears short words most).
  const strong = phrases.filter((p) => inClip.some((h) => h.phrase === p && h.strong));
  const weak = phrases.length - strong.length;
  const repeats = inClip.filter((h) => h.strong).length - strong.length;
  // A cluster of them nearly passes the default threshold (40) on its own, as an excited moment that is no
  // louder than the talk does: "oh my god … let's go, let's go" scores 35, quicker talk adds the rest.
  const kwPts = clamp(strong.length * 15 + repeats * 5 + Math.min(weak, 3) * 3, 0, 45);
  // Speech rate is support only (at most 15): pocketsphinx's word counts swing 1.5–2× in calm talk.
  const ratePts = clamp((rateRatio - FAST_RATE) * 40, 0, 15);
  const centres = Array.from({ length: a.hi - a.lo + 1 }, (_, k) => bins.t[a.lo + k] + BIN / 2);
  const market = bins.activity ? strongestActivity(bins.activity.a, bins.activity.base, centres) : null;
  const marketPts = market ? activityPoints(market) : 0;
  const marketWhy = market ? describeActivity(market) : "";
  const score = Math.round(clamp(loudPts + kwPts + ratePts + marketPts, 0, 100));

  const reasons: string[] = [];
  if (marketWhy) reasons.push(marketWhy);
  if (excess >= 1) reasons.push(`loudness +${Math.round(excess)} LU above baseline`);
  if (phrases.length) reasons.push(`keywords: ${phrases.map((p) => `'${p}'`).join(", ")}`);
  if (rate > 0)
    reasons.push(`speech rate ${rate.toFixed(1)} w/s${rateRatio >= 1.3 ? ` (${rateRatio.toFixed(1)}× usual)` : ""}`);

  const clipWords = a.words.filter((x) => x.s >= a.start && x.e <= a.end + 0.2);
  const hot = a.words.filter((x) => x.s >= a.region[0] - 0.5 && x.s <= a.region[1]);
  const titleWords = (hot.length ? hot : clipWords).slice(0, 7).map((x) => x.w);
  const title = titleWords.length
    ? `${titleWords.join(" ").replace(/^./, (c) => c.toUpperCase())}${excess >= 6 ? "!" : ""}`
    : `${marketWhy && excess < 6 ? "Market moment" : "Loud moment"} at ${fmtClock(a.region[0])}`;
  const excerpt = clipWords
    .map((x) => x.w)
    .join(" ")
    .slice(0, 300);
  const hook = phrases.length
    ? `“${phrases.slice(0, 3).join("… ")}!” — ${excess >= 6 ? "the volume spikes" : "listen to this"} at ${fmtClock(a.region[0])}`
    : `Things get ${excess >= 6 ? "loud" : "lively"} at ${fmtClock(a.region[0])}`;
  const tags = [
    ...(excess >= 6 ? ["loud"] : []),
    ...(phrases.length ? ["hype"] : []),
    ...(rateRatio >= 1.3 ? ["fast-talk"] : []),
    ...(marketWhy ? ["market"] : []),
    ...phrases.map((p) => norm(p).join("-")),
  ];
  return {
    start: a.start,
    end: a.end,
    title,
    hook,
    reason: reasons.join("; ") || "activity above baseline",
    score,
    tags,
    engine: "offline",
    excerpt,
  };
}

export function createOfflineDetector(): Detector {
  return { detect: async (input) => detectOffline(input) };
}
