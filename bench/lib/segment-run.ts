import fs from "node:fs";
import { waitFor, type startPipeline } from "./stack";
import { round } from "./stats";

type TPipeline = Awaited<ReturnType<typeof startPipeline>>;

/** Stages as the pipeline records them on Segment.stage, in order. */
const STAGES = ["extracting_audio", "transcribing", "detecting", "rendering"] as const;

export type TSegmentRun = {
  totalS: number;
  clips: number;
  stages: Record<string, number>;
};

/**
 * Stores one recorded segment file as a fresh live session's only (final) segment, announces it through the
 * signed webhook, and times it until every clip it produced is READY in the clip feed (listClips, the
 * function behind GET /api/clips). Stage boundaries come from polling Segment.stage every 50 ms.
 */
export async function runSegment(p: TPipeline, file: string, duration: number, label: string): Promise<TSegmentRun> {
  const { prisma, user } = p;
  const { getStore } = await import("@/lib/storage");
  const streamer = await prisma.streamer.create({
    data: {
      userId: user.id,
      name: `bench ${label}`,
      kind: "URL",
      source: `file://${file}`,
      monitored: false,
      segmentSeconds: Math.ceil(duration),
      minClipSeconds: 8,
      maxClipSeconds: 30,
    },
  });
  // Ended: this segment is all there is (a RECORDING session would be resumed by a recorder).
  const session = await prisma.liveSession.create({
    data: {
      userId: user.id,
      streamerId: streamer.id,
      segmentSeconds: Math.ceil(duration),
      status: "ENDED",
      endedAt: new Date(),
    },
  });
  const key = `sessions/${session.id}/segments/0.ts`;

  const t0 = performance.now();
  await getStore().put(key, file, { contentType: "video/mp2t" });
  await p.announce({
    type: "segment.recorded",
    sessionId: session.id,
    number: 0,
    startOffset: 0,
    duration,
    storageKey: key,
    sizeBytes: fs.statSync(file).size,
    final: true,
  });

  return timeUntilClipped(p, session.id, 0, t0, label);
}

/**
 * A real live session: the streamer check starts the real recorder on `file` (read at its own pace, like a
 * live stream) with `segmentSeconds`-long segments, so live audio chunks (LIVE_CHUNK_SECONDS)
 * works on the audio chunks it sends while segment 0 records. Timed from the moment segment 0's last frame
 * was recorded (session start + its end in stream time; the session starts before the recorder does, so
 * this slightly over-states the latency) until its clips are READY in the feed.
 */
export async function runLiveSegment(
  p: TPipeline,
  file: string,
  duration: number,
  label: string,
): Promise<TSegmentRun & { chunks: number }> {
  const { prisma, user } = p;
  const { checkStreamer } = await import("@/lib/live/check-streamer");
  const streamer = await prisma.streamer.create({
    data: {
      userId: user.id,
      name: `bench live ${label}`,
      kind: "URL",
      source: `file://${file}`,
      segmentSeconds: Math.ceil(duration),
      minClipSeconds: 8,
      maxClipSeconds: 30,
    },
  });
  const check = await checkStreamer(streamer.id, user.id);
  if (check.status !== "live" || !check.sessionId)
    throw new Error(`the source was not found live: ${JSON.stringify(check)}`);
  // Recording has started; the cron must not start a second session once this one ends.
  await prisma.streamer.update({ where: { id: streamer.id }, data: { monitored: false } });
  const sessionId = check.sessionId;
  const seg = await waitFor(
    () =>
      prisma.segment.findUnique({
        where: { sessionId_number: { sessionId, number: 0 } },
        select: { startOffset: true, duration: true },
      }),
    duration * 1000 + 120_000,
    `segment ${label} to be recorded`,
    100,
  );
  const session = await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId }, select: { startedAt: true } });
  // performance.now() ↔ wall clock: the segment closed at session start + its end in stream time.
  const closedAt =
    performance.now() - (Date.now() - (session.startedAt.getTime() + (seg.startOffset + seg.duration) * 1000));
  // Counted before they are consumed: the chunks that reached the app while the segment recorded.
  const chunks = await prisma.audioChunk.count({ where: { sessionId } });
  const run = await timeUntilClipped(p, sessionId, 0, closedAt, label);
  await waitFor(
    async () => (await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } })).status !== "RECORDING",
    120_000,
    "the session to end",
    500,
  );
  return { ...run, chunks };
}

/** Polls segment `number` of the session (stages from Segment.stage every 50 ms) until its clips are READY. */
async function timeUntilClipped(
  p: TPipeline,
  sessionId: string,
  number: number,
  t0: number,
  label: string,
): Promise<TSegmentRun> {
  const { prisma, user } = p;
  const { listClips } = await import("@/lib/clips/clips");
  const session = { id: sessionId };
  const seen: Record<string, number> = {};
  const done = await waitFor(
    async () => {
      const seg = await prisma.segment.findUnique({
        where: { sessionId_number: { sessionId: session.id, number } },
        select: { status: true, stage: true, error: true },
      });
      const now = performance.now();
      if (seg?.stage && !(seg.stage in seen)) seen[seg.stage] = now;
      if (seg?.status === "ERROR") throw new Error(`segment failed: ${seg.error}`);
      if (seg?.status !== "DONE") return null;
      seen.done ??= now;
      const { clips } = await listClips(user.id, { sessionId: session.id, limit: 100 });
      if (clips.some((c) => c.status === "ERROR")) throw new Error("a clip failed to render");
      return clips.every((c) => c.status === "READY") ? { at: performance.now(), clips: clips.length } : null;
    },
    30 * 60_000,
    `segment ${label} to be clipped`,
    50,
  );
  // A stage shorter than the poll interval is credited to the next one.
  const marks = [...STAGES.map((s) => s as string), "done"];
  for (let i = marks.length - 2; i >= 0; i--) seen[marks[i]] ??= seen[marks[i + 1]];
  const s = (a: number, b: number) => round((b - a) / 1000, 2);
  // Database timestamps split "render" into the segment's own wrap-up and the render-clip job.
  const clipRows = await prisma.clip.findMany({
    where: { sessionId: session.id, segment: { number } },
    select: { createdAt: true, updatedAt: true },
  });
  const segRow = await prisma.segment.findFirstOrThrow({
    where: { sessionId: session.id, number },
    select: { processedAt: true },
  });
  const renderJob = clipRows.length
    ? Math.max(...clipRows.map((c) => c.updatedAt.getTime())) - Math.min(...clipRows.map((c) => c.createdAt.getTime()))
    : 0;
  return {
    totalS: s(t0, done.at),
    clips: done.clips,
    stages: {
      announce: s(t0, seen.extracting_audio),
      audioExtraction: s(seen.extracting_audio, seen.transcribing),
      transcriptionAndAnalysis: s(seen.transcribing, seen.detecting),
      detection: s(seen.detecting, seen.rendering),
      render: s(seen.rendering, done.at),
      renderJobOnly: round(renderJob / 1000, 2),
      segmentWrapUp: clipRows.length
        ? round((segRow.processedAt!.getTime() - Math.min(...clipRows.map((c) => c.createdAt.getTime()))) / 1000, 2)
        : 0,
    },
  };
}
