import { runLiveSegment, runSegment } from "./lib/segment-run";
import { sample, startPipeline } from "./lib/stack";
import { emit, machine, progress, summarize, summarizeBreakdown } from "./lib/stats";
import type { TBenchOptions } from "./run";

/**
 * Time from a segment's close (file handed to storage + webhook) to all of its clips READY in the feed,
 * through the real webhook, job runner, functions, PostgreSQL, ffmpeg and the configured engines.
 * Default: a 60 s segment; --full adds a 15-minute one handed over whole (nothing known before it closes),
 * and a 15-minute one recorded live by the real recorder (about 15 minutes per run), whose audio chunks are
 * transcribed while it records (live audio chunks, LIVE_CHUNK_SECONDS).
 */
export async function run(opts: TBenchOptions) {
  const cases: { seconds: number; excitedAt: number; runs: number; target: string; live?: boolean }[] = [
    { seconds: 60, excitedAt: 25, runs: opts.runs ?? 3, target: "< 20 s on 2 cores offline" },
  ];
  if (opts.full) {
    cases.push({ seconds: 900, excitedAt: 450, runs: opts.runs ?? 2, target: "< 90 s on 2 cores offline" });
    cases.push({ seconds: 900, excitedAt: 450, runs: opts.runs ?? 2, target: "< 90 s on 2 cores offline", live: true });
  }
  const p = await startPipeline({ recorder: cases.some((c) => c.live) });
  try {
    const samples = [];
    // Live runs read the mp4 (as a source would serve it); whole-segment runs hand over the recorder's MPEG-TS.
    for (const c of cases) samples.push(await sample(c.seconds, c.excitedAt, !c.live));
    for (const [i, c] of cases.entries()) {
      const start = machine();
      const rows: (Awaited<ReturnType<typeof runSegment>> & { chunks?: number })[] = [];
      for (let r = 0; r < c.runs; r++) {
        progress(`segment-latency ${c.seconds}s${c.live ? " live" : ""} run ${r + 1}/${c.runs}`);
        const label = `${c.seconds}s-${c.live ? "live-" : ""}${r}`;
        rows.push(
          c.live
            ? await runLiveSegment(p, samples[i].file, c.seconds, label)
            : await runSegment(p, samples[i].file, c.seconds, label),
        );
      }
      const totals = summarize(rows.map((x) => x.totalS));
      emit({
        name: "segment-latency",
        inputs: {
          segmentSeconds: c.seconds,
          // whole: the closed file is all the pipeline gets; live: recorded live, audio chunks sent ahead.
          mode: c.live ? "live" : "whole",
          liveChunkSeconds: c.live ? Number(process.env.LIVE_CHUNK_SECONDS ?? 5) : 0,
          transcriber: process.env.GROQ_API_KEY ? "groq" : "pocketsphinx",
          detector: process.env.GROQ_API_KEY ? "groq" : "offline",
        },
        runs: c.runs,
        median: totals.median,
        p95: totals.p95,
        unit: "s",
        ...start,
        target: c.target,
        min: totals.min,
        max: totals.max,
        clips: rows.map((x) => x.clips),
        ...(c.live ? { audioChunks: rows.map((x) => x.chunks) } : {}),
        stages: summarizeBreakdown(rows.map((x) => x.stages)),
        loadavgEnd: machine().loadavg,
      });
    }
  } finally {
    await p.stop();
  }
}
