import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { transcriptQuality } from "./lib/wer";
import { BENCH_DIR, sample } from "./lib/stack";
import { emit, machine, progress, round, summarize, treeCpuTicks } from "./lib/stats";
import type { TBenchOptions } from "./run";

/**
 * The offline transcriber alone on a sample's 16 kHz audio, per search setting: wall time with one decoder
 * process per core, decoder CPU-seconds per audio second, word error rate against the sample's script and the
 * share of correctly recognised words timed inside their sentence (checks the chunk offsets). Default: the
 * 60 s sample; --full adds the 15-minute one.
 */
export async function run(opts: TBenchOptions) {
  const { ACCURATE_SEARCH, FAST_SEARCH, createPocketsphinxTranscriber } = await import("@/lib/transcribe/pocketsphinx");
  const cases = [{ seconds: 60, excitedAt: 25 }];
  if (opts.full) cases.push({ seconds: 900, excitedAt: 450 });
  const searches = { fast: FAST_SEARCH, accurate: ACCURATE_SEARCH };
  const runs = opts.runs ?? 3;
  const tick = 100; // USER_HZ
  for (const c of cases) {
    const s = await sample(c.seconds, c.excitedAt, true);
    const wav = path.join(BENCH_DIR, `transcription-${c.seconds}s.wav`);
    execFileSync("ffmpeg", ["-v", "error", "-y", "-i", s.file, "-vn", "-ac", "1", "-ar", "16000", wav]);
    for (const [name, search] of Object.entries(searches)) {
      const start = machine();
      const walls: number[] = [];
      const cpus: number[] = [];
      let quality: ReturnType<typeof transcriptQuality> | null = null;
      for (let r = 0; r < (c.seconds > 60 ? 1 : runs); r++) {
        progress(`transcription ${c.seconds}s ${name} run ${r + 1}`);
        const cpu0 = treeCpuTicks();
        const t0 = performance.now();
        const t = await createPocketsphinxTranscriber({ search }).transcribe(wav);
        walls.push((performance.now() - t0) / 1000);
        cpus.push((treeCpuTicks() - cpu0) / tick);
        quality = transcriptQuality(s.script, t.words);
      }
      const w = summarize(walls);
      emit({
        name: "transcription",
        inputs: {
          audioSeconds: c.seconds,
          search: name,
          flags: search.join(" ") || "(decoder defaults)",
          processes: os.cpus().length,
        },
        runs: walls.length,
        median: w.median,
        p95: w.p95,
        unit: "s",
        ...start,
        cpuSecondsPerAudioSecond: round(summarize(cpus).median / c.seconds, 3),
        wer: round(quality!.wer, 3),
        correctWords: `${quality!.correct}/${quality!.refWords}`,
        timedInLine: round(quality!.timedInLine, 3),
        loadavgEnd: machine().loadavg,
      });
    }
  }
}
