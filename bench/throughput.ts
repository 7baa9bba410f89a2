import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { runSegment } from "./lib/segment-run";
import { BENCH_DIR, sample, startPipeline } from "./lib/stack";
import { emit, machine, progress, round, summarize } from "./lib/stats";
import type { TBenchOptions } from "./run";

/**
 * Minutes of stream processed per minute of wall time: K live sessions each announce a 60 s segment at the
 * same moment; the batch is done when every clip is READY. Sessions are processed in parallel (the
 * per-session concurrency key only serialises segments of one session), so this loads every core.
 * Also times the offline transcriber alone on one 60 s segment with 1 decoder process vs one per core.
 */
export async function run(opts: TBenchOptions) {
  const runs = opts.runs ?? 2;
  const sessions = opts.full ? 8 : 3;
  const seconds = 60;
  const p = await startPipeline();
  try {
    const s = await sample(seconds, 25, true);
    const start = machine();
    const rates: number[] = [];
    const walls: number[] = [];
    for (let r = 0; r < runs; r++) {
      progress(`throughput run ${r + 1}/${runs}: ${sessions} sessions × ${seconds}s`);
      const t0 = performance.now();
      await Promise.all(Array.from({ length: sessions }, (_, i) => runSegment(p, s.file, seconds, `tp-${r}-${i}`)));
      const wall = (performance.now() - t0) / 1000;
      walls.push(round(wall));
      rates.push(round((sessions * seconds) / wall, 3));
    }

    // Chunk parallelism of the offline transcriber (what a single segment gets from the cores).
    const transcriber: Record<string, number> = {};
    if (!process.env.GROQ_API_KEY) {
      const wav = path.join(BENCH_DIR, "throughput-60s.wav");
      execFileSync("ffmpeg", ["-v", "error", "-y", "-i", s.file, "-vn", "-ac", "1", "-ar", "16000", wav]);
      const { createPocketsphinxTranscriber } = await import("@/lib/transcribe");
      for (const concurrency of [...new Set([1, os.cpus().length])]) {
        progress(`throughput: transcribing 60 s with ${concurrency} decoder process(es)`);
        const t = performance.now();
        await createPocketsphinxTranscriber({ concurrency }).transcribe(wav);
        transcriber[`transcribe60sWith${concurrency}Procs`] = round((performance.now() - t) / 1000);
      }
    }
    const sum = summarize(rates, 3);
    emit({
      name: "throughput",
      inputs: { sessions, segmentSeconds: seconds, transcriber: process.env.GROQ_API_KEY ? "groq" : "pocketsphinx" },
      runs,
      median: sum.median,
      p95: sum.p95,
      unit: "stream-min per wall-min",
      ...start,
      min: sum.min,
      max: sum.max,
      batchWallSeconds: walls,
      transcriberSeconds: transcriber,
      loadavgEnd: machine().loadavg,
    });
  } finally {
    await p.stop();
  }
}
