/**
 * Detection quality benchmark: `npm run bench:detect`.
 *
 * Generates labelled recordings into .data/bench/detect (espeak-ng calm speech + one shouted, loud passage at
 * a known time, mixed with pink "crowd" noise from ffmpeg anoisesrc), cuts each into two segments the way the
 * recorder does, and runs the real pipeline per segment: extract 16 kHz audio → loudness, silences, keyword
 * spotting, transcription → detector with the carry window, hold-back and merge of segment-steps.ts. Some
 * moments cross the segment boundary. Prints JSON per engine: precision, recall and mean boundary error (s).
 * Offline always; Groq (Whisper + LLM) too when GROQ_API_KEY is set. The "trade bursts with and without speech"
 * set (pump.fun coin activity as a signal) is generated and scored in trade-bursts.ts.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { createGroqDetector, createOfflineDetector, isNearWindowEnd, mergeCandidates } from "@/lib/detect";
import type { Detector, TCandidate, TSignals } from "@/lib/detect";
import { env } from "@/lib/env";
import { detectSilences, extractAudio, makeSampleStream, measureLoudness, runTool } from "@/lib/media";
import { createGroqTranscriber, createPocketsphinxTranscriber, spotKeywords } from "@/lib/transcribe";
import type { Transcriber } from "@/lib/transcribe";
import { runTradeBurstSet } from "./trade-bursts";

const OUT = path.resolve(".data/bench/detect");
const SECONDS = 60;
const SEGMENT = 30;
const KEYWORDS = ["oh my god", "no way", "lets go", "insane", "what", "huge", "crazy", "wow", "unbelievable"];
const SETTINGS = { minClipSeconds: 10, maxClipSeconds: 30, minScore: 40, keywords: [] as string[] };
/** Moment start times; 24 and 27 cross the 30 s segment boundary. */
const CASES = [8, 24, 27, 44, 50];

type TLabel = { start: number; end: number };

async function makeRecording(i: number, excitedAt: number): Promise<{ segments: string[]; label: TLabel }> {
  const dir = path.join(OUT, `rec${i}`);
  await fs.mkdir(dir, { recursive: true });
  const video = path.join(dir, "source.ts");
  const info = await makeSampleStream({ out: video, seconds: SECONDS, excitedAt });
  const wav = path.join(dir, "speech.wav");
  await extractAudio(video, wav, { sampleRate: 16000 });
  const noisy = path.join(dir, "noisy.wav");
  await runTool(env.FFMPEG_PATH, [
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "error",
    "-y",
    "-i",
    wav,
    "-f",
    "lavfi",
    "-i",
    `anoisesrc=color=pink:amplitude=0.015:seed=${i + 1}:sample_rate=16000:duration=${SECONDS}`,
    "-filter_complex",
    "amix=inputs=2:duration=first:normalize=0",
    "-ac",
    "1",
    "-ar",
    "16000",
    noisy,
  ]);
  const segments: string[] = [];
  for (let n = 0; n * SEGMENT < SECONDS; n++) {
    const seg = path.join(dir, `seg${n}.wav`);
    await runTool(env.FFMPEG_PATH, [
      "-hide_banner",
      "-nostdin",
      "-loglevel",
      "error",
      "-y",
      "-ss",
      String(n * SEGMENT),
      "-t",
      String(SEGMENT),
      "-i",
      noisy,
      seg,
    ]);
    segments.push(seg);
  }
  return { segments, label: { start: info.excitedStart, end: info.excitedEnd } };
}

async function analyse(wav: string, offset: number, transcriber: Transcriber): Promise<TSignals> {
  const [loudness, silences, hits, t] = await Promise.all([
    measureLoudness(wav),
    detectSilences(wav),
    spotKeywords(wav, KEYWORDS),
    transcriber.transcribe(wav, { offset, keywords: KEYWORDS }),
  ]);
  return {
    words: t.words,
    loudness: loudness.map((x) => ({ ...x, t: x.t + offset })),
    silences: silences.map((s) => ({ start: s.start + offset, end: s.end + offset })),
    keywordHits: hits.map((h) => ({ ...h, t: h.t + offset })),
  };
}

/** The per-segment loop of lib/pipeline/segment-steps.ts (carry window, hold-back, merge), in memory. */
async function detectSession(
  parts: TSignals[],
  detector: Detector,
  activity?: (w: { start: number; end: number }) => TSignals["activity"],
): Promise<TCandidate[]> {
  let known: TCandidate[] = [];
  const carry = Math.min(SETTINGS.maxClipSeconds, 60);
  for (let i = 0; i < parts.length; i++) {
    const window = { start: Math.max(0, i * SEGMENT - carry), end: (i + 1) * SEGMENT };
    const inW = (t: number) => t >= window.start && t <= window.end;
    const all = parts.slice(0, i + 1);
    const signals: TSignals = {
      words: all.flatMap((p) => p.words).filter((w) => inW(w.s)),
      loudness: all.flatMap((p) => p.loudness).filter((x) => inW(x.t)),
      silences: all.flatMap((p) => p.silences).filter((s) => s.end >= window.start && s.start <= window.end),
      keywordHits: all.flatMap((p) => p.keywordHits).filter((k) => inW(k.t)),
      ...(activity ? { activity: activity(window) } : {}),
    };
    const candidates = await detector.detect({ signals, window, settings: SETTINGS });
    const final = i === parts.length - 1;
    const ready = final ? candidates : candidates.filter((c) => !isNearWindowEnd(c, window, 3));
    const fresh = mergeCandidates(known, ready).filter(
      (c) => !known.some((k) => Math.min(k.end, c.end) - Math.max(k.start, c.start) > 0),
    );
    known = [...known, ...fresh];
  }
  return known;
}

async function runEngine(
  name: string,
  transcriber: Transcriber,
  detector: Detector,
  recs: { segments: string[]; label: TLabel }[],
) {
  let clips = 0;
  let truePositives = 0;
  let found = 0;
  const startErr: number[] = [];
  const endErr: number[] = [];
  const t0 = Date.now();
  const details: { label: TLabel; clips: { start: number; end: number; score: number }[] }[] = [];
  for (const rec of recs) {
    // The analysed signals are kept beside the recording: `--reuse-signals` re-runs only detection on them.
    const cache = path.join(path.dirname(rec.segments[0]), `signals-${name}.json`);
    let parts: TSignals[] = [];
    if (REUSE && (await fs.stat(cache).catch(() => null)))
      parts = JSON.parse(await fs.readFile(cache, "utf8")) as TSignals[];
    else {
      for (let n = 0; n < rec.segments.length; n++)
        parts.push(await analyse(rec.segments[n], n * SEGMENT, transcriber));
      await fs.writeFile(cache, JSON.stringify(parts));
    }
    const out = await detectSession(parts, detector);
    details.push({ label: rec.label, clips: out.map((c) => ({ start: c.start, end: c.end, score: c.score })) });
    const hit = (c: TCandidate) => Math.min(c.end, rec.label.end) - Math.max(c.start, rec.label.start) > 0;
    clips += out.length;
    truePositives += out.filter(hit).length;
    const best = out.filter(hit).sort((a, b) => b.score - a.score)[0];
    if (best) {
      found++;
      startErr.push(Math.abs(best.start - rec.label.start));
      endErr.push(Math.abs(best.end - rec.label.end));
    }
  }
  const mean = (xs: number[]) =>
    xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null;
  return {
    engine: name,
    recordings: recs.length,
    moments: recs.length,
    clips,
    precision: clips ? Math.round((truePositives / clips) * 1000) / 1000 : null,
    recall: Math.round((found / recs.length) * 1000) / 1000,
    meanStartErrorSeconds: mean(startErr),
    meanEndErrorSeconds: mean(endErr),
    meanBoundaryErrorSeconds: mean([...startErr, ...endErr]),
    seconds: Math.round((Date.now() - t0) / 100) / 10,
    details,
  };
}

/** `--reuse-signals`: keep the generated recordings and their analysed signals, re-run only the detectors. */
const REUSE = process.argv.includes("--reuse-signals");

async function main() {
  const recs = [];
  const labelsFile = path.join(OUT, "labels.json");
  if (REUSE && (await fs.stat(labelsFile).catch(() => null))) {
    recs.push(...(JSON.parse(await fs.readFile(labelsFile, "utf8")) as { segments: string[]; label: TLabel }[]));
  } else {
    await fs.rm(OUT, { recursive: true, force: true });
    await fs.mkdir(OUT, { recursive: true });
    for (const [i, at] of CASES.entries()) recs.push(await makeRecording(i, at));
    await fs.writeFile(labelsFile, JSON.stringify(recs));
  }
  const results = [await runEngine("offline", createPocketsphinxTranscriber(), createOfflineDetector(), recs)];
  if (env.GROQ_API_KEY) results.push(await runEngine("groq", createGroqTranscriber(), createGroqDetector(), recs));
  const trades = { out: OUT, reuse: REUSE, analyse, detectSession };
  const tradeSets = [
    await runTradeBurstSet({
      ...trades,
      engine: "offline",
      transcriber: createPocketsphinxTranscriber(),
      detector: createOfflineDetector(),
    }),
  ];
  if (env.GROQ_API_KEY)
    tradeSets.push(
      await runTradeBurstSet({
        ...trades,
        engine: "groq",
        transcriber: createGroqTranscriber(),
        detector: createGroqDetector(),
      }),
    );
  console.log(
    JSON.stringify(
      { settings: SETTINGS, segmentSeconds: SEGMENT, labels: recs.map((r) => r.label), results, tradeSets },
      null,
      2,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
