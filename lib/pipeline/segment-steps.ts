import path from "node:path";
import type { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { getDetector, isNearWindowEnd } from "@/lib/detect";
import { summarizeSegmentText, upsertSummaryLine } from "@/lib/detect/summarize";
import { analyseAudio, extractAudio } from "@/lib/media";
import { getStore, storageKeys } from "@/lib/storage";
import { getTranscriber, spotKeywords, transcriberIdentity } from "@/lib/transcribe";
import type { TTranscript } from "@/lib/transcribe";
import { dropConsumedChunks, earlyKeywordHits, earlyWords, overGaps, uncovered } from "./early-audio";
import { insertDetectedClips } from "./insert-detected-clips";
import { keywordsFor } from "./keywords";
import { loadDetectionWindow, type TDetectionWindow } from "./load-detection-window";
import type { TStoredSignals } from "./stored-signals";
import { withWorkdir } from "./workdir";

/**
 * The stages of segment processing. Each function is one Inngest step: self-contained (reads its inputs
 * from the database / blob storage, writes its outputs there), idempotent, and returns small JSON.
 */

export { DEFAULT_KEYWORDS } from "./keywords";
/** A candidate ending this close to a segment's end is held back: the next window will see all of it. */
const HOLD_BACK_SECONDS = 3;

const audioKey = storageKeys.segmentAudio;
const signalsKey = storageKeys.segmentSignals;

async function setStage(segmentId: string, stage: string, progress: number) {
  await prisma.segment.update({ where: { id: segmentId }, data: { status: "PROCESSING", stage, progress } });
}

async function loadSegment(segmentId: string) {
  return prisma.segment.findUniqueOrThrow({
    where: { id: segmentId },
    include: { session: { include: { streamer: true } } },
  });
}

export async function beginSegment(segmentId: string) {
  const seg = await prisma.segment.update({
    where: { id: segmentId },
    data: { status: "PROCESSING", stage: "extracting_audio", progress: 0.05, error: null, attempts: { increment: 1 } },
    select: { id: true, number: true, sessionId: true, startOffset: true, duration: true },
  });
  return seg;
}

export async function extractSegmentAudio(segmentId: string): Promise<string> {
  const seg = await loadSegment(segmentId);
  if (!seg.storageKey) throw new Error("segment has no stored recording");
  const key = audioKey(seg.sessionId, seg.number);
  await withWorkdir(async (dir) => {
    const src = path.join(dir, `segment${path.extname(seg.storageKey!) || ".ts"}`);
    const wav = path.join(dir, "audio.wav");
    await getStore().download(seg.storageKey!, src);
    await extractAudio(src, wav, { sampleRate: 16000 });
    await getStore().put(key, wav, { contentType: "audio/wav" });
  });
  await setStage(segmentId, "transcribing", 0.2);
  return key;
}

/**
 * Words of the segment in stream time: those its audio chunks already hold (early transcription), plus the
 * stretches no chunk covered, decoded now (the whole segment when it had no chunks).
 */
export async function transcribeSegment(
  segmentId: string,
): Promise<{ words: number; engine: string; earlyWords: number }> {
  const seg = await loadSegment(segmentId);
  const keywords = keywordsFor(seg.session.streamer.keywords);
  const early = await earlyWords(seg);
  const t: TTranscript = await withWorkdir(async (dir) => {
    const download = async () => {
      const wav = path.join(dir, "audio.wav");
      await getStore().download(audioKey(seg.sessionId, seg.number), wav);
      return wav;
    };
    // No chunks: the engine's own transcript (its text keeps the engine's punctuation).
    if (!early.covered.length)
      return getTranscriber().transcribe(await download(), { offset: seg.startOffset, keywords });
    let language: string | undefined;
    const range = { start: seg.startOffset, end: seg.startOffset + seg.duration };
    const decoded = uncovered(range, early.covered).length
      ? await overGaps(await download(), seg, early.covered, async (file, offset) => {
          const part = await getTranscriber().transcribe(file, { offset, keywords });
          language ??= part.language;
          return part.words;
        })
      : [];
    const words = [...early.words, ...decoded].sort((x, y) => x.s - y.s);
    return {
      ...transcriberIdentity(),
      language: language ?? early.language,
      text: words.map((w) => w.w).join(" "),
      words,
    };
  });
  await prisma.transcript.upsert({
    where: { segmentId },
    create: {
      segmentId,
      userId: seg.userId,
      engine: t.engine,
      model: t.model ?? null,
      language: t.language,
      text: t.text,
      words: t.words,
    },
    update: { engine: t.engine, model: t.model ?? null, language: t.language, text: t.text, words: t.words },
  });
  await prisma.segment.update({ where: { id: segmentId }, data: { progress: 0.7, stage: "detecting" } });
  return { words: t.words.length, engine: t.engine, earlyWords: early.words.length };
}

export async function analyseSegmentAudio(segmentId: string): Promise<string> {
  const seg = await loadSegment(segmentId);
  const keywords = keywordsFor(seg.session.streamer.keywords);
  const early = await earlyKeywordHits(seg, keywords);
  const signals: TStoredSignals = await withWorkdir(async (dir) => {
    const wav = path.join(dir, "audio.wav");
    await getStore().download(audioKey(seg.sessionId, seg.number), wav);
    const shift = <T extends { t: number }>(xs: T[], by = seg.startOffset) => xs.map((x) => ({ ...x, t: x.t + by }));
    const [{ loudness, silences }, keywordHits] = await Promise.all([
      analyseAudio(wav),
      // Keyword spotting of the stretches the audio chunks did not already cover.
      overGaps(wav, seg, early.covered, async (file, offset) => shift(await spotKeywords(file, keywords), offset)),
    ]);
    return {
      loudness: shift(loudness),
      silences: silences.map((s) => ({ start: s.start + seg.startOffset, end: s.end + seg.startOffset })),
      keywordHits: [...early.hits, ...keywordHits].sort((a, b) => a.t - b.t),
    };
  });
  const key = signalsKey(seg.sessionId, seg.number);
  await getStore().put(key, Buffer.from(JSON.stringify(signals)), { contentType: "application/json" });
  return key;
}

/** How a detection run treats a moment running into the window's end, and what else its transaction does. */
type TDetectionRun = {
  /** Keep such a moment now (true) instead of leaving it to the next segment's window. */
  keepsEnd: (w: TDetectionWindow) => boolean;
  /** Runs in the insert's transaction. */
  alsoInTx?: (tx: Prisma.TransactionClient) => Promise<unknown>;
  /** Clips this run replaces: deleted in the insert's transaction, so only once detection has succeeded. */
  replacing?: string[];
};

/**
 * Detects highlights in the segment plus the tail of the previous one (load-detection-window), holds back a
 * moment that runs into the segment's end unless the run keeps it, and creates PENDING clips for what earlier
 * segments and the live edge did not already clip; live clips it matches join the segment, with refined edges
 * while unreviewed (insert-detected-clips). Returns the ids of the clips to render.
 */
async function detectClips(segmentId: string, run: TDetectionRun): Promise<string[]> {
  const { target, window } = await loadDetectionWindow(segmentId);
  const { window: range, settings } = window.input;
  const candidates = await getDetector().detect(window.input);
  const keepsEnd = run.keepsEnd(window);
  const ready = keepsEnd ? candidates : candidates.filter((c) => !isNearWindowEnd(c, range, HOLD_BACK_SECONDS));
  return prisma.$transaction(async (tx) => {
    const ids = await insertDetectedClips(tx, {
      // Live clips this segment's candidates do not match join it once they end inside it.
      target: {
        ...target,
        segmentEnd: keepsEnd ? Infinity : range.end,
        heldBack: candidates.filter((c) => !ready.includes(c)),
      },
      candidates: ready,
      knownSince: range.start - settings.maxClipSeconds,
      replacing: run.replacing,
    });
    await run.alsoInTx?.(tx);
    return ids;
  });
}

const toRendering = (segmentId: string) => (tx: Prisma.TransactionClient) =>
  tx.segment.update({ where: { id: segmentId }, data: { progress: 0.9, stage: "rendering" } });

/** process-segment: a moment running into the segment's end waits for the next segment, unless none will come. */
export function detectForSegment(segmentId: string): Promise<string[]> {
  return detectClips(segmentId, { keepsEnd: (w) => w.lastOfStream, alsoInTx: toRendering(segmentId) });
}

/** finalize-session: the session has ended, so nothing is held back (no next segment will complete it). */
export function detectAtSessionEnd(segmentId: string): Promise<string[]> {
  return detectClips(segmentId, { keepsEnd: () => true, alsoInTx: toRendering(segmentId) });
}

/**
 * redetect-segment: detection again over the owner's processed segment (stored transcript and signals),
 * replacing the clips in `replacing` in the same transaction as the new ones are inserted. Held-back moments
 * were clipped by a later run only if this segment had not clipped them; with this segment's replaced clips
 * gone, a moment at its end is kept now unless the stream still records with no later segment processed
 * (then the next segment picks it up); where a later segment already has it, the merge drops it. Does not
 * reopen the segment.
 */
export async function detectAgain(segmentId: string, userId: string, replacing: string[] = []): Promise<string[]> {
  const seg = await prisma.segment.findFirstOrThrow({
    where: { id: segmentId, userId },
    select: { sessionId: true, number: true, session: { select: { status: true } } },
  });
  const later = await prisma.segment.count({
    where: { sessionId: seg.sessionId, number: { gt: seg.number }, status: "DONE" },
  });
  const followed = seg.session.status !== "RECORDING" || later > 0;
  return detectClips(segmentId, { keepsEnd: (w) => followed || w.lastOfStream, replacing });
}

/**
 * After detection: a short summary of the segment (Groq chat model, or offline: top words + clip titles)
 * goes into the session's rolling summary, which later segments' detection gets as context.
 */
export async function summarizeSegment(segmentId: string): Promise<string> {
  const seg = await prisma.segment.findUniqueOrThrow({
    where: { id: segmentId },
    select: {
      sessionId: true,
      number: true,
      startOffset: true,
      duration: true,
      transcript: { select: { text: true } },
      clips: { select: { title: true }, orderBy: { startTime: "asc" } },
    },
  });
  const line = await summarizeSegmentText({
    number: seg.number,
    start: seg.startOffset,
    end: seg.startOffset + seg.duration,
    text: seg.transcript?.text ?? "",
    clipTitles: seg.clips.map((c) => c.title),
  });
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${seg.sessionId}))`;
    const session = await tx.liveSession.findUniqueOrThrow({
      where: { id: seg.sessionId },
      select: { contextSummary: true },
    });
    await tx.liveSession.update({
      where: { id: seg.sessionId },
      data: { contextSummary: upsertSummaryLine(session.contextSummary, seg.number, line) },
    });
  });
  return line;
}

export async function finishSegment(segmentId: string): Promise<void> {
  const seg = await prisma.segment.update({
    where: { id: segmentId },
    data: { status: "DONE", stage: null, progress: 1, processedAt: new Date(), error: null },
    select: { sessionId: true, startOffset: true, duration: true, final: true },
  });
  await dropConsumedChunks(seg);
}

/** Stores why processing failed, in words the owner can act on (no storage paths or stack traces). */
export async function failSegment(segmentId: string, message: string): Promise<void> {
  const reason = /blob not found/i.test(message)
    ? "The recording of this segment is missing from storage."
    : `Processing failed: ${message
        .split("\n")[0]
        .replace(/\/[\w./-]+/g, "…")
        .slice(0, 200)}`;
  await prisma.segment.updateMany({ where: { id: segmentId }, data: { status: "ERROR", error: reason } });
}
