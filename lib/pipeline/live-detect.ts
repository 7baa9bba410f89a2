import { prisma } from "@/lib/db";
import { getDetector, type TWindow } from "@/lib/detect";
import { readActivity } from "@/lib/pumpfun/read-activity";
import { transcriberIdentity, type TKeywordHit, type TWord } from "@/lib/transcribe";
import { insertDetectedClips } from "./insert-detected-clips";
import { keywordsFor, keywordsKey } from "./keywords";
import { liveCandidates, liveDetectionRange, liveWindow, ZChunkSignals } from "./live-window";
import { readSignals } from "./stored-signals";

/** Longest chunk the protocol allows (ZAudioChunk.duration): bounds the overlap query. */
const MAX_CHUNK_SECONDS = 600;

export type TLiveDetection = {
  clipIds: string[];
  window: TWindow | null;
  candidates: number;
  emitted: number;
  /** Wall time of the step (ms): reading the rows, the detector, the insert. */
  ms: number;
};

/**
 * Live detection, run after each audio chunk of a session is transcribed and measured: the detector (the
 * same one segments use) over a rolling window ending at the chunk's end, built from the DONE chunks and the
 * processed segments it reaches into, with the session's rolling summary and the streamer's settings. Moments
 * that have ended (or reached the longest clip length) become LIVE clips without a segment; their segment
 * attaches them when it closes. Returns the ids of the new clips to render.
 */
export async function detectLive(chunkId: string): Promise<TLiveDetection> {
  const t0 = performance.now();
  const chunk = await prisma.audioChunk.findUnique({
    where: { id: chunkId },
    select: {
      status: true,
      sessionId: true,
      startOffset: true,
      duration: true,
      session: { select: { userId: true, streamerId: true, contextSummary: true, streamer: true } },
    },
  });
  if (!chunk || chunk.status !== "DONE")
    return { clipIds: [], window: null, candidates: 0, emitted: 0, ms: performance.now() - t0 };
  const { session, sessionId } = chunk;
  const { streamer } = session;
  const range = liveDetectionRange(chunk.startOffset + chunk.duration, streamer.maxClipSeconds);
  const keywords = keywordsFor(streamer.keywords);
  // A pump.fun session's coin activity: one primary-key range read beside the chunk and segment reads.
  const [chunks, segments, activity] = await Promise.all([
    prisma.audioChunk.findMany({
      where: {
        sessionId,
        status: "DONE",
        startOffset: { lt: range.end, gt: range.start - MAX_CHUNK_SECONDS },
      },
      select: {
        startOffset: true,
        duration: true,
        words: true,
        keywordHits: true,
        keywords: true,
        engine: true,
        model: true,
        signals: true,
      },
    }),
    prisma.segment.findMany({
      where: { sessionId, status: "DONE" },
      select: { number: true, startOffset: true, duration: true, transcript: { select: { words: true } } },
    }),
    streamer.kind === "PUMPFUN" ? readActivity(sessionId, range) : undefined,
  ]);
  const reaching = segments.filter((s) => s.startOffset < range.end && s.startOffset + s.duration > range.start);
  const stored = await Promise.all(reaching.map((s) => readSignals(sessionId, s.number)));
  const id = transcriberIdentity();
  const key = keywordsKey(keywords);
  const settings = {
    minClipSeconds: streamer.minClipSeconds,
    maxClipSeconds: streamer.maxClipSeconds,
    minScore: streamer.minScore,
    keywords: streamer.keywords,
    customPrompt: streamer.customPrompt ?? undefined,
  };
  const input = liveWindow({
    end: range.end,
    settings,
    contextSummary: session.contextSummary,
    segments: reaching.map((s, i) => ({
      start: s.startOffset,
      end: s.startOffset + s.duration,
      words: (s.transcript?.words as TWord[] | undefined) ?? null,
      signals: stored[i],
    })),
    chunks: chunks.map((c) => ({
      start: c.startOffset,
      end: c.startOffset + c.duration,
      // Words and hits only from the current engine and keyword list, as segments reuse them.
      words: c.engine === id.engine && c.model === id.model ? (c.words as TWord[] | null) : null,
      keywordHits: c.keywords === key ? (c.keywordHits as TKeywordHit[] | null) : null,
      signals: ZChunkSignals.nullable().catch(null).parse(c.signals),
    })),
  });
  if (activity) input.signals.activity = activity;
  const candidates = await getDetector().detect(input);
  const processedUntil = Math.max(0, ...segments.map((s) => s.startOffset + s.duration));
  const ready = liveCandidates(candidates, input.window, streamer.maxClipSeconds, processedUntil);
  const clipIds = ready.length
    ? await prisma.$transaction((tx) =>
        insertDetectedClips(tx, {
          target: {
            segmentId: null,
            origin: "LIVE",
            userId: session.userId,
            sessionId,
            streamerId: session.streamerId,
          },
          candidates: ready,
          knownSince: range.start - streamer.maxClipSeconds,
        }),
      )
    : [];
  return {
    clipIds,
    window: input.window,
    candidates: candidates.length,
    emitted: clipIds.length,
    ms: Math.round(performance.now() - t0),
  };
}
