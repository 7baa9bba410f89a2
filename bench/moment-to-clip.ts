import { sample, startPipeline, waitFor } from "./lib/stack";
import { emit, machine, progress, round, summarize, summarizeBreakdown } from "./lib/stats";
import type { TBenchOptions } from "./run";

/** Segment lengths measured: the default 15 minutes and 60 s (`--full` adds 10 s). */
const SEGMENT_LENGTHS = [900, 60];

/**
 * From the moment an excited passage has been spoken in a live source to its clip READY in the feed, through
 * the real streamer check, recorder (ffmpeg reading the file at its own pace with -re, like a live stream),
 * webhook, job runner and functions: one row per segment length. Clips come from the live edge (5 s audio
 * chunks, detection per chunk, rendered from the live parts), so the segment length should not matter. The
 * stream's clock starts when the check that starts the recorder is made, so the figure slightly over-states
 * latency (by ffmpeg's start-up).
 */
export async function run(opts: TBenchOptions) {
  // One stack for every row: the app's modules read their environment (ports) once.
  const p = await startPipeline({ recorder: true });
  try {
    // Long enough that the passage's clip can come from the live edge well before a 60 s segment closes.
    const seconds = opts.full ? 120 : 50;
    const excitedAt = opts.full ? 60 : 12;
    const s = await sample(seconds, excitedAt);
    for (const segmentSeconds of opts.full ? [...SEGMENT_LENGTHS, 10] : SEGMENT_LENGTHS)
      await measure(opts, p, { ...s, seconds }, segmentSeconds);
  } finally {
    await p.stop();
  }
}

async function measure(
  opts: TBenchOptions,
  p: Awaited<ReturnType<typeof startPipeline>>,
  s: Awaited<ReturnType<typeof sample>> & { seconds: number },
  SEGMENT_SECONDS: number,
) {
  const runs = opts.runs ?? 3;
  const seconds = s.seconds;
  const { checkStreamer } = await import("@/lib/live/check-streamer");
  const { listClips } = await import("@/lib/clips/clips");
  const start = machine();
  const rows: { totalS: number; stages: Record<string, number> }[] = [];
  for (let r = 0; r < runs; r++) {
    progress(`moment-to-clip run ${r + 1}/${runs} (${seconds}s live source, ${SEGMENT_SECONDS}s segments)`);
    const streamer = await p.prisma.streamer.create({
      data: {
        userId: p.user.id,
        name: `moment ${r}`,
        kind: "URL",
        source: `file://${s.file}`,
        segmentSeconds: SEGMENT_SECONDS,
        minClipSeconds: 8,
        maxClipSeconds: 20,
      },
    });
    const streamStart = Date.now();
    const check = await checkStreamer(streamer.id, p.user.id);
    if (check.status !== "live" || !check.sessionId)
      throw new Error(`the source was not found live: ${JSON.stringify(check)}`);
    // Recording has started; the cron must not start a second session once this one ends.
    await p.prisma.streamer.update({ where: { id: streamer.id }, data: { monitored: false } });
    const moment = streamStart + s.excitedEnd * 1000;
    const visible = await waitFor(
      async () => {
        const { clips } = await listClips(p.user.id, { sessionId: check.sessionId!, limit: 100 });
        const c = clips.find((x) => x.status === "READY" && x.startTime < s.excitedEnd && x.endTime > s.excitedStart);
        return c ? { at: Date.now(), id: c.id } : null;
      },
      seconds * 1000 + 180_000,
      "the excited passage's clip",
      100,
    );
    const clip = await p.prisma.clip.findUniqueOrThrow({ where: { id: visible.id } });
    // Segments of the session stored when the clip was READY: 0 for a clip cut before its segment closed.
    const segmentsStored = await p.prisma.segment.count({
      where: { sessionId: check.sessionId!, recordedAt: { lte: new Date(visible.at) } },
    });
    rows.push({
      totalS: round((visible.at - moment) / 1000),
      stages: {
        untilDetected: round((clip.createdAt.getTime() - moment) / 1000),
        render: round((clip.updatedAt.getTime() - clip.createdAt.getTime()) / 1000),
        fromLiveEdge: clip.origin === "LIVE" ? 1 : 0,
        segmentsStoredWhenReady: segmentsStored,
      },
    });
    await waitFor(
      async () =>
        (await p.prisma.liveSession.findUniqueOrThrow({ where: { id: check.sessionId! } })).status !== "RECORDING",
      120_000,
      "the session to end",
      500,
    );
  }
  const t = summarize(rows.map((x) => x.totalS));
  emit({
    name: `moment-to-clip-${SEGMENT_SECONDS}s`,
    inputs: {
      segmentSeconds: SEGMENT_SECONDS,
      liveChunkSeconds: Number(process.env.LIVE_CHUNK_SECONDS ?? 5),
      streamSeconds: seconds,
      excitedEndS: round(s.excitedEnd),
      transcriber: process.env.GROQ_API_KEY ? "groq" : "pocketsphinx",
    },
    runs,
    median: t.median,
    p95: t.p95,
    unit: "s",
    ...start,
    target: "p95 < 15 s",
    min: t.min,
    max: t.max,
    stages: summarizeBreakdown(rows.map((x) => x.stages)),
    loadavgEnd: machine().loadavg,
  });
}
