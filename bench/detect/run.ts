/**
 * Detection quality benchmark: `npm run bench:detect [-- --sets a,b] [--reuse-signals] [--out file.json]`.
 *
 * Generates labelled recordings into .data/bench/detect, one folder per set (bench/detect/sets/*.ts: espeak-ng
 * talk, shouted or quick excited moments, sox door slams, jingles, coughs and music; bench/detect/generate),
 * analyses each the way the pipeline does (the live edge's 5-s chunks: pocketsphinx words, keyword spotting,
 * loudness, silences; closed segments: loudness and silences over the segment with the chunks' words and hits)
 * and runs the pipeline's own detection on it: live detection after every chunk and segment detection at every
 * close (bench/detect/session.ts). Prints JSON per set and engine: precision, recall, F1, precision@K per
 * stream-hour, mean boundary error against the spoken moment and the floor the shortest clip sets on it.
 * A pump.fun set's recordings carry a per-second coin activity track that detection reads as the pipeline
 * does; such a set is also scored without it (`withoutActivity`). Offline always; Groq (Whisper + LLM) too
 * when GROQ_API_KEY is set. `--reuse-signals` keeps the recordings
 * and their analysed signals and re-runs only detection (what a detector change needs).
 */
import fs from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { createGroqDetector, createOfflineDetector } from "@/lib/detect";
import type { Detector, TDetectSettings } from "@/lib/detect";
import { env } from "@/lib/env";
import { createGroqTranscriber, createPocketsphinxTranscriber } from "@/lib/transcribe";
import type { Transcriber } from "@/lib/transcribe";
import { loadSets, type TBenchRecording } from "./generate/set";
import { scoreSet } from "./score";
import { analyseSession, simulateSession, type TAnalysed, type TSimClip } from "./session";

const OUT = path.resolve(".data/bench/detect");
/** A new streamer's defaults (prisma/schema/schema.prisma Streamer). */
const SETTINGS: TDetectSettings = { minClipSeconds: 15, maxClipSeconds: 60, minScore: 40, keywords: [] };

type TEngine = { name: string; transcriber: () => Transcriber; detector: () => Detector };
const ENGINES: TEngine[] = [
  { name: "offline", transcriber: () => createPocketsphinxTranscriber(), detector: () => createOfflineDetector() },
  { name: "groq", transcriber: () => createGroqTranscriber(), detector: () => createGroqDetector() },
];

const exists = (f: string) =>
  fs.stat(f).then(
    () => true,
    () => false,
  );

async function recordingsOf(
  setName: string,
  make: (dir: string, tmp: string) => Promise<TBenchRecording[]>,
  reuse: boolean,
) {
  const dir = path.join(OUT, setName);
  const labels = path.join(dir, "labels.json");
  if (reuse && (await exists(labels))) return JSON.parse(await fs.readFile(labels, "utf8")) as TBenchRecording[];
  await fs.rm(dir, { recursive: true, force: true });
  const tmp = path.join(dir, "tmp");
  await fs.mkdir(tmp, { recursive: true });
  const recs = await make(dir, tmp);
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.writeFile(labels, JSON.stringify(recs, null, 1));
  return recs;
}

/** The analysed signals are kept beside the recording: `--reuse-signals` re-runs only detection on them. */
async function analysed(rec: TBenchRecording, engine: TEngine, reuse: boolean): Promise<TAnalysed> {
  const cache = rec.wav.replace(/\.wav$/, `.signals-${engine.name}.json`);
  if (reuse && (await exists(cache))) return JSON.parse(await fs.readFile(cache, "utf8")) as TAnalysed;
  const a = await analyseSession(rec, engine.transcriber(), path.join(path.dirname(rec.wav), "work"));
  await fs.writeFile(cache, JSON.stringify(a));
  return a;
}

async function main() {
  const { values } = parseArgs({
    options: {
      sets: { type: "string" },
      "reuse-signals": { type: "boolean", default: false },
      out: { type: "string" },
    },
  });
  const reuse = values["reuse-signals"]!;
  const sets = await loadSets(values.sets?.split(",").filter(Boolean));
  const engines = ENGINES.filter((e) => e.name === "offline" || env.GROQ_API_KEY);
  const results = [];
  for (const set of sets) {
    const recs = await recordingsOf(set.name, set.make, reuse);
    for (const engine of engines) {
      const t0 = Date.now();
      const details = [];
      const withoutActivity = [];
      const toClips = (clips: TSimClip[]) =>
        clips.map((c) => ({ start: c.start, end: c.end, score: c.score, origin: c.origin, reason: c.reason }));
      for (const rec of recs) {
        console.error(`[bench:detect] ${set.name}/${rec.name}: ${engine.name}`);
        const a = await analysed(rec, engine, reuse);
        const clips = await simulateSession(a, engine.detector(), SETTINGS, rec.activity);
        const row = {
          recording: rec.name,
          seconds: rec.seconds,
          segmentSeconds: rec.segmentSeconds,
          moments: rec.moments,
          distractors: rec.distractors,
        };
        details.push({ ...row, clips: toClips(clips) });
        // A pump.fun recording is also scored without its activity track: what the audio alone finds.
        if (rec.activity)
          withoutActivity.push({ ...row, clips: toClips(await simulateSession(a, engine.detector(), SETTINGS)) });
      }
      results.push({
        set: set.name,
        about: set.about,
        engine: engine.name,
        ...scoreSet(details, SETTINGS.minClipSeconds),
        seconds: Math.round((Date.now() - t0) / 100) / 10,
        ...(withoutActivity.length
          ? { withoutActivity: { ...scoreSet(withoutActivity, SETTINGS.minClipSeconds), details: withoutActivity } }
          : {}),
        details,
      });
    }
  }
  const summary = {
    settings: SETTINGS,
    engines: ENGINES.map((e) => ({
      engine: e.name,
      run: engines.includes(e),
      ...(engines.includes(e) ? {} : { why: "GROQ_API_KEY not set" }),
    })),
    target: "offline engine, every set: precision ≥ 0.8 at recall ≥ 0.8",
    results,
  };
  const json = JSON.stringify(summary, null, 1);
  if (values.out) await fs.writeFile(values.out, json);
  console.log(json);
  console.error(
    results
      .flatMap((r) =>
        "withoutActivity" in r && r.withoutActivity
          ? [r, { ...r.withoutActivity, set: `${r.set} (no activity)`, engine: r.engine }]
          : [r],
      )
      .map(
        (r) =>
          `${r.set.padEnd(18)} ${r.engine.padEnd(8)} P ${r.precision} R ${r.recall} F1 ${r.f1} P@K ${r.precisionAtK} ` +
          `clips ${r.clips}/${r.moments} boundary ${r.meanBoundaryErrorSeconds} s (floor ${r.boundaryErrorFloorSeconds})`,
      )
      .join("\n"),
  );
}

// The long-lived pocketsphinx decoders (lib/transcribe/decoder-pool.ts) would keep the process alive.
main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
