import { runSegment } from "./lib/segment-run";
import { sample, startPipeline } from "./lib/stack";
import { emit, machine, progress, summarize, summarizeBreakdown } from "./lib/stats";
import type { TBenchOptions } from "./run";

/**
 * Time from a segment's close (file handed to storage + webhook) to all of its clips READY in the feed,
 * through the real webhook, job runner, functions, PostgreSQL, ffmpeg and the configured engines.
 * Default: a 60 s segment; --full adds a 15-minute one.
 */
export async function run(opts: TBenchOptions) {
  const cases = [{ seconds: 60, excitedAt: 25, runs: opts.runs ?? 3, target: "< 20 s on 2 cores offline" }];
  if (opts.full) cases.push({ seconds: 900, excitedAt: 450, runs: opts.runs ?? 2, target: "< 90 s on 2 cores offline" });
  const p = await startPipeline();
  try {
    const samples = [];
    for (const c of cases) samples.push(await sample(c.seconds, c.excitedAt, true));
    for (const [i, c] of cases.entries()) {
      const start = machine();
      const rows = [];
      for (let r = 0; r < c.runs; r++) {
        progress(`segment-latency ${c.seconds}s run ${r + 1}/${c.runs}`);
        rows.push(await runSegment(p, samples[i].file, c.seconds, `${c.seconds}s-${r}`));
      }
      const totals = summarize(rows.map((x) => x.totalS));
      emit({
        name: "segment-latency",
        inputs: { segmentSeconds: c.seconds, transcriber: process.env.GROQ_API_KEY ? "groq" : "pocketsphinx", detector: process.env.GROQ_API_KEY ? "groq" : "offline" },
        runs: c.runs,
        median: totals.median,
        p95: totals.p95,
        unit: "s",
        ...start,
        target: c.target,
        min: totals.min,
        max: totals.max,
        clips: rows.map((x) => x.clips),
        stages: summarizeBreakdown(rows.map((x) => x.stages)),
        loadavgEnd: machine().loadavg,
      });
    }
  } finally {
    await p.stop();
  }
}
