/**
 * bench:detect's "trade bursts with and without speech" set (decision 024): pump.fun coin activity as a
 * detection signal. Each 60 s recording is calm espeak-ng talk (+ pink room noise), cut into two 30 s segments,
 * with a per-second activity track beside it: steady background trading and chat all along, and in four of the
 * five a burst of buys with a market-cap jump at a known time, which is the labelled moment:
 *  - in calm talk, in calm talk across the segment boundary, in dead air (the streamer silent), and together
 *    with a shouted passage (one moment, the union of the two);
 *  - a control with background trading only and nothing to clip (every clip there is a false positive).
 * The pipeline is the one of run.ts (real analysis, transcription, detector, carry window, hold-back, merge);
 * the activity reaches the detector as segment and live detection give it (`readActivity`: the window plus
 * ACTIVITY_LOOKBACK_SECONDS before it).
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { Detector, TActivitySecond, TCandidate, TSignals } from "@/lib/detect";
import { ACTIVITY_LOOKBACK_SECONDS } from "@/lib/detect/activity";
import { env } from "@/lib/env";
import { extractAudio, makeSampleStream, runTool } from "@/lib/media";
import type { Transcriber } from "@/lib/transcribe";

const SECONDS = 60;
const SEGMENT = 30;
const BURST_SECONDS = 4;

type TLabel = { start: number; end: number };
type TCase = { name: string; burstAt: number | null; shoutAt?: number; mute?: [number, number] };
type TRecording = { name: string; segments: string[]; label: TLabel | null; activity: TActivitySecond[] };

const CASES: TCase[] = [
  { name: "burst in calm talk", burstAt: 14 },
  { name: "burst in calm talk across the segment boundary", burstAt: 28 },
  { name: "burst in dead air", burstAt: 40, mute: [35, 51] },
  { name: "burst with a shout", burstAt: 45, shoutAt: 44 },
  { name: "background trading only", burstAt: null },
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

async function makeRecording(dir: string, i: number, c: TCase): Promise<TRecording> {
  await fs.mkdir(dir, { recursive: true });
  const video = path.join(dir, "source.ts");
  // Calm talk only: the sample's shouted passage is placed past the 60 s that are used.
  const info = await makeSampleStream({ out: video, seconds: SECONDS + 10, excitedAt: c.shoutAt ?? SECONDS + 1 });
  const wav = path.join(dir, "speech.wav");
  await extractAudio(video, wav, { sampleRate: 16000 });
  const noisy = path.join(dir, "noisy.wav");
  const mute = c.mute ? `volume=volume=0:enable='between(t,${c.mute[0]},${c.mute[1]})',` : "";
  await runTool(env.FFMPEG_PATH, [
    ...["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-t", String(SECONDS), "-i", wav, "-f", "lavfi"],
    ...["-i", `anoisesrc=color=pink:amplitude=0.015:seed=${i + 11}:sample_rate=16000:duration=${SECONDS}`],
    ...["-filter_complex", `[0:a]${mute}anull[s];[s][1:a]amix=inputs=2:duration=first:normalize=0`],
    ...["-ac", "1", "-ar", "16000", noisy],
  ]);
  const segments: string[] = [];
  for (let n = 0; n * SEGMENT < SECONDS; n++) {
    const seg = path.join(dir, `seg${n}.wav`);
    await runTool(env.FFMPEG_PATH, [
      ...["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-ss", String(n * SEGMENT), "-t", String(SEGMENT)],
      ...["-i", noisy, seg],
    ]);
    segments.push(seg);
  }
  const burst = c.burstAt === null ? null : { start: c.burstAt, end: c.burstAt + BURST_SECONDS };
  const shout = c.shoutAt !== undefined ? { start: info.excitedStart, end: info.excitedEnd } : null;
  const label =
    burst && shout
      ? { start: Math.min(burst.start, shout.start), end: Math.max(burst.end, shout.end) }
      : (burst ?? shout);
  return { name: c.name, segments, label, activity: activityTrack(c.burstAt, i) };
}

export type TTradeBurstDeps = {
  engine: string;
  out: string;
  reuse: boolean;
  transcriber: Transcriber;
  detector: Detector;
  analyse: (wav: string, offset: number, transcriber: Transcriber) => Promise<TSignals>;
  /** run.ts's per-segment loop; `activity` goes into each window's signals. */
  detectSession: (
    parts: TSignals[],
    detector: Detector,
    activity?: (w: { start: number; end: number }) => TSignals["activity"],
  ) => Promise<TCandidate[]>;
};

/** Generates (or reuses) the set and runs one engine over it: precision, recall and boundary error. */
export async function runTradeBurstSet(d: TTradeBurstDeps) {
  const root = path.join(d.out, "trade-bursts");
  const labels = path.join(root, "labels.json");
  let recs: TRecording[];
  if (d.reuse && (await fs.stat(labels).catch(() => null))) recs = JSON.parse(await fs.readFile(labels, "utf8"));
  else {
    await fs.rm(root, { recursive: true, force: true });
    recs = [];
    for (const [i, c] of CASES.entries()) recs.push(await makeRecording(path.join(root, `rec${i}`), i, c));
    await fs.writeFile(labels, JSON.stringify(recs));
  }
  const t0 = Date.now();
  const parts: TSignals[][] = [];
  for (const rec of recs) {
    const cache = path.join(path.dirname(rec.segments[0]), `signals-${d.engine}.json`);
    let p: TSignals[] = [];
    if (d.reuse && (await fs.stat(cache).catch(() => null))) p = JSON.parse(await fs.readFile(cache, "utf8"));
    else {
      for (let n = 0; n < rec.segments.length; n++)
        p.push(await d.analyse(rec.segments[n], n * SEGMENT, d.transcriber));
      await fs.writeFile(cache, JSON.stringify(p));
    }
    parts.push(p);
  }
  const scored = await score(d, recs, parts, true);
  // The same recordings without the activity track: what the detector finds from the audio alone.
  const { details: _, ...withoutActivity } = await score(d, recs, parts, false);
  return {
    engine: d.engine,
    set: "trade bursts with and without speech",
    recordings: recs.length,
    ...scored,
    seconds: Math.round((Date.now() - t0) / 100) / 10,
    withoutActivity,
  };
}

async function score(d: TTradeBurstDeps, recs: TRecording[], parts: TSignals[][], withActivity: boolean) {
  let clips = 0;
  let truePositives = 0;
  let found = 0;
  const startErr: number[] = [];
  const endErr: number[] = [];
  const details = [];
  for (const [k, rec] of recs.entries()) {
    const activity = (w: { start: number; end: number }) => {
      const from = Math.max(0, Math.floor(w.start - ACTIVITY_LOOKBACK_SECONDS));
      const to = Math.ceil(w.end);
      return { from, to, seconds: rec.activity.filter((s) => s.t >= from && s.t < to) };
    };
    const out = await d.detectSession(parts[k], d.detector, withActivity ? activity : undefined);
    const label = rec.label;
    const hit = (c: TCandidate) => !!label && Math.min(c.end, label.end) - Math.max(c.start, label.start) > 0;
    clips += out.length;
    truePositives += out.filter(hit).length;
    const best = out.filter(hit).sort((a, b) => b.score - a.score)[0];
    if (best && label) {
      found++;
      startErr.push(Math.abs(best.start - label.start));
      endErr.push(Math.abs(best.end - label.end));
    }
    details.push({
      name: rec.name,
      label,
      clips: out.map((c) => ({ start: c.start, end: c.end, score: c.score, reason: c.reason })),
    });
  }
  const moments = recs.filter((r) => r.label).length;
  const mean = (xs: number[]) =>
    xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null;
  return {
    moments,
    clips,
    precision: clips ? Math.round((truePositives / clips) * 1000) / 1000 : null,
    recall: moments ? Math.round((found / moments) * 1000) / 1000 : null,
    meanStartErrorSeconds: mean(startErr),
    meanEndErrorSeconds: mean(endErr),
    meanBoundaryErrorSeconds: mean([...startErr, ...endErr]),
    details,
  };
}
