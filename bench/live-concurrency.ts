import fs from "node:fs";
import path from "node:path";
import { BENCH_DIR, sample, startPipeline, waitFor } from "./lib/stack";
import { performance } from "node:perf_hooks";
import { emit, machine, progress, round, summarize, summarizeBreakdown, treeCpuTicks } from "./lib/stats";
import type { TBenchOptions } from "./run";

const CHUNK_SECONDS = 5;
const CLK_TCK = 100;
const STREAM_SECONDS = 30;
const EXCITED_AT = 8;

/**
 * The recorder in a process of its own (`process`, the default: as `npm run up` runs it) or in this one
 * (`LIVE_CONCURRENCY_RECORDER=in-process`, how the rows were measured before decision 030).
 */
const LIVE_CONCURRENCY_RECORDER = process.env.LIVE_CONCURRENCY_RECORDER === "in-process" ? true : "process";

type TDecode = "always" | "never" | "auto";
/** Rows in order (`--max-streams` caps N). The heaviest row runs last: its segments' catch-up is not waited for. */
const DEFAULT_ROWS = "always:3,always:6,auto:12,never:20,never:40";
/** `LIVE_CONCURRENCY_ROWS=never:20,never:40` runs only those rows. */
const ROWS = (process.env.LIVE_CONCURRENCY_ROWS || DEFAULT_ROWS).split(",").map((r) => {
  const [decode, streams] = r.split(":");
  if (!["always", "never", "auto"].includes(decode) || !(Number(streams) >= 0)) throw new Error(`bad row ${r}`);
  return { decode: decode as TDecode, streams: Number(streams) };
});

/**
 * How many live streams one machine live-clips at once (issue 17: moment-to-clip p95 < 20 s with ≥ 6 fully
 * transcribed, ≥ 40 on cheap signals only). First the CPU cost of one 5-s live chunk per mode and per process
 * (`live-chunk-cpu`), then per row N generated live sources recorded by the real recorder (ffmpeg -re, 900-s
 * segments, 5-s audio chunks, ~1 s live parts), each streamer in its own account (the per-account limit of 3
 * runs would otherwise be what is measured), all started together: moment (end of the excited passage) →
 * its clip READY, with LIVE_DECODE `always` (full: decode + keywords + loudness), `never` (cheap: keywords +
 * loudness) and `auto` (backpressure). `signals` counts the chunks by mode; `catchUpS` is how long after the
 * streams ended their segments were all processed (the deferred transcription).
 */
export async function run(opts: TBenchOptions) {
  const p = await startPipeline({ recorder: LIVE_CONCURRENCY_RECORDER });
  try {
    const s = await sample(STREAM_SECONDS, EXCITED_AT);
    if (process.env.LIVE_CONCURRENCY_SKIP_CHUNK_CPU !== "1") await chunkCost(s.file, s.excitedStart);
    const rows = ROWS.filter((r) => r.streams <= (opts.maxStreams ?? Infinity));
    for (const [i, row] of rows.entries()) await measure(p, s, row, i === rows.length - 1);
  } finally {
    await p.stop();
  }
}

/** Seconds from the sessions' end until all their segments are processed; null when that takes too long. */
async function catchUp(p: Awaited<ReturnType<typeof startPipeline>>, sessionIds: string[]): Promise<number | null> {
  const recording = () => p.prisma.liveSession.count({ where: { id: { in: sessionIds }, status: "RECORDING" } });
  const ended = await waitFor(async () => (await recording()) === 0, 300_000, "the sessions to end", 500).then(
    () => Date.now(),
    () => null,
  );
  if (ended === null) return null;
  const pending = () =>
    p.prisma.segment.count({ where: { sessionId: { in: sessionIds }, status: { notIn: ["DONE", "ERROR"] } } });
  const done = await waitFor(async () => (await pending()) === 0, 300_000, "the segments' catch-up", 500).then(
    () => Date.now(),
    () => null,
  );
  return done === null ? null : round((done - ended) / 1000);
}

/** CPU-seconds of `fn` in this process and its (reaped) children. */
async function cpu(fn: () => Promise<unknown>): Promise<number> {
  const a = treeCpuTicks();
  await fn();
  return (treeCpuTicks() - a) / CLK_TCK;
}

/** Per-chunk CPU: full vs cheap, and what each process costs (pocketsphinx start-up on a near-empty file). */
async function chunkCost(file: string, excitedStart: number) {
  const { extractAudio, analyseAudio, measureLoudness, detectSilences } = await import("@/lib/media");
  const { writeWavSlice } = await import("@/lib/media/wav");
  const { getTranscriber, spotKeywords } = await import("@/lib/transcribe");
  const { keywordsFor } = await import("@/lib/pipeline/keywords");
  const dir = path.join(BENCH_DIR, `chunk-cost-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  const wav = path.join(dir, "all.wav");
  await extractAudio(file, wav, { sampleRate: 16000 });
  const chunk = path.join(dir, "chunk.wav");
  const from = Math.floor(excitedStart / CHUNK_SECONDS) * CHUNK_SECONDS;
  await writeWavSlice(wav, chunk, from, from + CHUNK_SECONDS);
  const tiny = path.join(dir, "tiny.wav");
  await writeWavSlice(wav, tiny, 0, 0.25);
  const keywords = keywordsFor([]);
  const reps = 4;
  const each = async (fn: () => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < reps; i++) xs.push(await cpu(fn));
    return round(xs.reduce((a, b) => a + b, 0) / reps, 3);
  };
  const start = machine();
  const parts = {
    decode: await each(() => getTranscriber().transcribe(chunk, { offset: 0, keywords })),
    keywords: await each(() => spotKeywords(chunk, keywords)),
    keywordsRough: await each(() => spotKeywords(chunk, keywords, { roughKeywords: true })),
    loudnessAndSilencesOneRun: await each(() => analyseAudio(chunk)),
    // ffmpeg's ebur128 + silencedetect, what analyseAudio ran per chunk before it measured speech WAVs itself.
    loudnessAndSilencesTwoRuns: await each(() => Promise.all([measureLoudness(chunk), detectSilences(chunk)])),
    decodeStartup: await each(() => getTranscriber().transcribe(tiny, { offset: 0, keywords })),
    keywordsStartup: await each(() => spotKeywords(tiny, keywords)),
  };
  fs.rmSync(dir, { recursive: true, force: true });
  const full = round(parts.decode + parts.keywords + parts.loudnessAndSilencesOneRun, 3);
  // A cheap chunk spots keywords on half the frames (roughKeywords); loudness and silences are in-process.
  const cheap = round(parts.keywordsRough + parts.loudnessAndSilencesOneRun, 3);
  emit({
    name: "live-chunk-cpu",
    inputs: { chunkSeconds: CHUNK_SECONDS, reps, keywords: keywords.length, transcriber: "pocketsphinx" },
    runs: reps,
    median: full,
    p95: full,
    unit: "CPU-s per chunk (full)",
    ...start,
    full,
    cheap,
    parts,
    // Real-time capacity of the cores for the chunk work alone (no detection, render, recorder, database).
    streamsPerCoreFull: round(CHUNK_SECONDS / full, 1),
    streamsPerCoreCheap: round(CHUNK_SECONDS / cheap, 1),
    startupShare: {
      decode: round(parts.decodeStartup / parts.decode, 2),
      keywords: round(parts.keywordsStartup / parts.keywords, 2),
    },
  });
}

/**
 * `BENCH_CPU_PROFILE=<dir>`: a V8 CPU profile of this process over each row (the app, the job runner and the
 * functions run here), written as <dir>/<row>.cpuprofile for Chrome DevTools. Returns the stop, or null.
 */
async function startCpuProfile(): Promise<((name: string) => Promise<void>) | null> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return null;
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return async (name) => {
    const { profile } = await session.post("Profiler.stop");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}

/**
 * Where a clipped stream's seconds went, from the moment (s): `momentChunkStored` the chunk holding the moment's
 * end stored, `nextChunkStored` the chunk after it, `nextChunkWaited` that chunk's wait for a worker,
 * `detected` the clip row created, `render` created → READY: of which `renderQueued` until its render run
 * existed (the event sent), `renderWaited` until a worker took it, `renderRun` the run, and its stages.
 */
async function stagesOf(
  p: Awaited<ReturnType<typeof startPipeline>>,
  started: { sessionId: string; moment: number }[],
  s: Awaited<ReturnType<typeof sample>>,
) {
  const rows: Record<string, number>[] = [];
  for (const st of started) {
    const clip = await p.prisma.clip.findFirst({
      where: {
        sessionId: st.sessionId,
        status: "READY",
        startTime: { lt: s.excitedEnd },
        endTime: { gt: s.excitedStart },
      },
      orderBy: { createdAt: "asc" },
      select: { id: true, createdAt: true, readyAt: true },
    });
    if (!clip?.readyAt) continue;
    const chunks = await p.prisma.audioChunk.findMany({
      where: { sessionId: st.sessionId },
      orderBy: { startOffset: "asc" },
      select: { startOffset: true, duration: true, createdAt: true, claimedAt: true },
    });
    const at = chunks.findIndex((c) => c.startOffset + c.duration >= s.excitedEnd);
    const since = (d: Date | null | undefined) => (d ? (d.getTime() - st.moment) / 1000 : NaN);
    const next = chunks[at + 1];
    // The render run that made it READY: its wait for a worker and its stages (renderClipMedia's `ms`).
    const [run] = await p.prisma.$queryRaw<
      { waited: number; queued: number; finished: number; ms: Record<string, number> | null }[]
    >`
      select extract(epoch from (r."startedAt" - r."createdAt"))::float8 as waited,
        extract(epoch from (r."createdAt" - ${clip.createdAt}::timestamptz))::float8 as queued,
        extract(epoch from (r."endedAt" - r."startedAt"))::float8 as finished, r.output->'ms' as ms
      from job_run r
      where r."functionId" like '%render-clip%' and r.event->'data'->>'clipId' = ${clip.id} and r.status = 'COMPLETED'
      order by r."endedAt" desc limit 1`;
    const first = chunks[0];
    rows.push({
      // The first chunk's arrival after the stream's check began, less its length: start-up and announce delay.
      firstChunkLate: first ? since(first.createdAt) + s.excitedEnd - first.startOffset - first.duration : NaN,
      renderQueued: run?.queued ?? NaN,
      renderWaited: run?.waited ?? NaN,
      renderRun: run?.finished ?? NaN,
      renderMedia: (run?.ms?.media ?? NaN) / 1000,
      renderCut: (run?.ms?.cut ?? NaN) / 1000,
      renderStore: (run?.ms?.store ?? NaN) / 1000,
      momentChunkStored: since(chunks[at]?.createdAt),
      nextChunkStored: since(next?.createdAt),
      nextChunkWaited: next?.claimedAt ? (next.claimedAt.getTime() - next.createdAt.getTime()) / 1000 : NaN,
      detected: since(clip.createdAt),
      render: (clip.readyAt.getTime() - clip.createdAt.getTime()) / 1000,
    });
  }
  return summarizeBreakdown(rows);
}

async function measure(
  p: Awaited<ReturnType<typeof startPipeline>>,
  s: Awaited<ReturnType<typeof sample>>,
  row: { decode: TDecode; streams: number },
  last: boolean,
) {
  const { env } = await import("@/lib/env");
  const { checkStreamer } = await import("@/lib/live/check-streamer");
  // The app runs in this process: the row's mode is the one every chunk function reads.
  env.LIVE_DECODE = row.decode;
  progress(`live-concurrency: ${row.streams} streams, LIVE_DECODE=${row.decode}`);
  const tag = `${Date.now()}`;
  // Streamers of earlier rows (or an interrupted run) must not be polled meanwhile.
  await p.prisma.streamer.updateMany({ where: { monitored: true }, data: { monitored: false } });
  const streams = [];
  for (let i = 0; i < row.streams; i++) {
    const user = await p.prisma.user.create({
      data: { id: `lc-${tag}-${i}`, name: `lc ${i}`, email: `lc-${tag}-${i}@example.com` },
    });
    const streamer = await p.prisma.streamer.create({
      data: {
        userId: user.id,
        name: `live ${i}`,
        kind: "URL",
        source: `file://${s.file}`,
        segmentSeconds: 900,
        minClipSeconds: 8,
        maxClipSeconds: 20,
      },
    });
    streams.push({ user, streamer });
  }
  const start = machine();
  const cpu0 = treeCpuTicks();
  const elu0 = performance.eventLoopUtilization();
  const profile = await startCpuProfile();
  // One after another (each stream's clock starts at its own check): twelve checks at once timed out their
  // transactions on a loaded machine.
  const started: { sessionId: string; userId: string; moment: number }[] = [];
  for (const { user, streamer } of streams) {
    const at = Date.now();
    const check = await checkStreamer(streamer.id, user.id);
    await p.prisma.streamer.update({ where: { id: streamer.id }, data: { monitored: false } });
    // The poll-streamers cron may have checked it first (status "recording"): its session is the one.
    const sessionId =
      check.sessionId ??
      (await p.prisma.liveSession.findFirst({ where: { streamerId: streamer.id, status: "RECORDING" } }))?.id;
    if (!sessionId) throw new Error(`not live: ${JSON.stringify(check)}`);
    started.push({ sessionId, userId: user.id, moment: at + s.excitedEnd * 1000 });
  }
  const sessionIds = started.map((x) => x.sessionId);
  const modes = new Map<string, string>();
  const maxLag = { s: 0 };
  const { getLiveEdge } = await import("@/lib/pipeline/get-live-edge");
  const latency = new Map<string, number>();
  const deadline = Date.now() + (STREAM_SECONDS + 150) * 1000;
  let lagAt = 0;
  while (latency.size < started.length && Date.now() < deadline) {
    const [clips, chunks] = await Promise.all([
      p.prisma.clip.findMany({
        where: {
          sessionId: { in: sessionIds },
          status: "READY",
          startTime: { lt: s.excitedEnd },
          endTime: { gt: s.excitedStart },
        },
        select: { sessionId: true },
      }),
      p.prisma.audioChunk.findMany({
        where: { sessionId: { in: sessionIds }, status: "DONE" },
        select: { id: true, signals: true },
      }),
    ]);
    for (const c of chunks) modes.set(c.id, (c.signals as { mode?: string } | null)?.mode ?? "full");
    for (const st of started)
      if (!latency.has(st.sessionId) && clips.some((c) => c.sessionId === st.sessionId))
        latency.set(st.sessionId, (Date.now() - st.moment) / 1000);
    // Each stream is in its own account: one live-edge query per account, every 5 s (the harness's own queries
    // ran at 160 a second when it asked every 250 ms, and at 40 a second, a quarter of all, every 1 s, on the
    // CPU it measures).
    if (Date.now() - lagAt >= 5000) {
      lagAt = Date.now();
      const edges = await Promise.all(started.map((st) => getLiveEdge(st.userId, [st.sessionId])));
      for (const [i, st] of started.entries())
        maxLag.s = Math.max(maxLag.s, edges[i].get(st.sessionId)?.lagSeconds ?? 0);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const cpuS = (treeCpuTicks() - cpu0) / CLK_TCK;
  const elu = performance.eventLoopUtilization(elu0).utilization;
  await profile?.(`live-concurrency-${row.decode}-${row.streams}`);
  const wallS = (Date.now() - Math.min(...started.map((x) => x.moment - s.excitedEnd * 1000))) / 1000;
  // Streams whose clip never came count as the deadline (so p95 shows the miss).
  const xs = started.map((st) => latency.get(st.sessionId) ?? (deadline - st.moment) / 1000);
  const t = summarize(xs);
  // The deferred transcription: from the streams' end until every segment is processed (null: not within the wait).
  const stages = await stagesOf(p, started, s);
  const catchUpS = last ? null : await catchUp(p, sessionIds);
  const byMode = [...modes.values()].reduce<Record<string, number>>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {});
  emit({
    name: `live-concurrency-${row.decode}-${row.streams}`,
    inputs: {
      streams: row.streams,
      liveDecode: row.decode,
      streamSeconds: STREAM_SECONDS,
      excitedEndS: round(s.excitedEnd),
      chunkSeconds: CHUNK_SECONDS,
      transcriber: "pocketsphinx",
      recorder: LIVE_CONCURRENCY_RECORDER === "process" ? "own process" : "in the app's process",
    },
    runs: started.length,
    median: t.median,
    p95: t.p95,
    unit: "s (moment → clip READY)",
    ...start,
    target: row.decode === "always" ? "p95 < 20 s with ≥ 6 streams" : "p95 < 20 s with ≥ 40 streams (cheap)",
    min: t.min,
    max: t.max,
    clipped: latency.size,
    // Per stream, in the order they were started (a trend says what the later streams competed with).
    latenciesInStartOrder: xs.map((x) => round(x, 1)),
    signals: {
      chunks: byMode,
      ran:
        row.decode === "always"
          ? "decode + keyword spotting + loudness/silences"
          : row.decode === "never"
            ? "keyword spotting + loudness/silences (words from the segment)"
            : "per chunk: full while keeping up, cheap from 10 s behind",
    },
    maxLagSeconds: maxLag.s,
    cpuPercentOfMachine: round((100 * cpuS) / wallS / start.cores, 1),
    // Share of the row's wall time this process's event loop was busy: the app, the job runner, the functions
    // run in it here (and the recorder, LIVE_CONCURRENCY_RECORDER=in-process).
    harnessEventLoopUtilization: round(elu, 2),
    stages,
    catchUpS,
    loadavgEnd: machine().loadavg,
  });
}
