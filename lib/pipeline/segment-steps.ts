import path from "node:path";
import { z } from "zod";
import { prisma } from "@/lib/db";
import type { TCandidate, TSignals } from "@/lib/detect";
import { getDetector, isNearWindowEnd, mergeCandidates } from "@/lib/detect";
import { summarizeSegmentText, summaryBefore, upsertSummaryLine } from "@/lib/detect/summarize";
import { detectSilences, extractAudio, measureLoudness } from "@/lib/media";
import { getStore, storageKeys } from "@/lib/storage";
import { getTranscriber, spotKeywords, transcriberIdentity } from "@/lib/transcribe";
import type { TTranscript, TWord } from "@/lib/transcribe";
import { dropConsumedChunks, earlyKeywordHits, earlyWords, overGaps, uncovered } from "./early-audio";
import { keywordsFor } from "./keywords";
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

const ZStoredSignals = z.object({
  loudness: z.array(z.object({ t: z.number(), lufs: z.number() })),
  silences: z.array(z.object({ start: z.number(), end: z.number() })),
  keywordHits: z.array(z.object({ phrase: z.string(), t: z.number() })),
});
type TStoredSignals = z.infer<typeof ZStoredSignals>;

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
    const src = path.join(dir, "segment.ts");
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
export async function transcribeSegment(segmentId: string): Promise<{ words: number; engine: string; earlyWords: number }> {
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
    if (!early.covered.length) return getTranscriber().transcribe(await download(), { offset: seg.startOffset, keywords });
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
    return { ...transcriberIdentity(), language: language ?? early.language, text: words.map((w) => w.w).join(" "), words };
  });
  await prisma.transcript.upsert({
    where: { segmentId },
    create: { segmentId, userId: seg.userId, engine: t.engine, model: t.model ?? null, language: t.language, text: t.text, words: t.words },
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
    const [loudness, silences, keywordHits] = await Promise.all([
      measureLoudness(wav),
      detectSilences(wav),
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

async function readSignals(sessionId: string, n: number): Promise<TStoredSignals | null> {
  const res = await getStore().read(signalsKey(sessionId, n));
  if (!res) return null;
  const chunks: Buffer[] = [];
  for await (const c of res.stream) chunks.push(Buffer.from(c));
  return ZStoredSignals.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
}

/**
 * Detects highlights in the segment plus the tail of the previous one (so a moment crossing the boundary
 * is seen whole), skips what earlier segments already clipped, and holds back a moment that runs into the
 * segment's end unless this is the session's last segment. Creates PENDING clips; returns their ids.
 */
export async function detectSegmentClips(segmentId: string, opts: { final?: boolean; redetect?: boolean } = {}): Promise<string[]> {
  const seg = await loadSegment(segmentId);
  const streamer = seg.session.streamer;
  const end = seg.startOffset + seg.duration;
  const carry = Math.min(streamer.maxClipSeconds, 60);
  const window = { start: Math.max(0, seg.startOffset - carry), end };

  // Every earlier segment that overlaps the carry window contributes its signals and words.
  const earlier = await prisma.segment.findMany({
    where: { sessionId: seg.sessionId, number: { lt: seg.number }, startOffset: { lt: window.end } },
    include: { transcript: true },
    orderBy: { number: "asc" },
  });
  const covering = [...earlier.filter((e) => e.startOffset + e.duration > window.start), seg];
  const parts = await Promise.all(covering.map((c) => readSignals(seg.sessionId, c.number)));
  const transcript = await prisma.transcript.findUnique({ where: { segmentId } });
  const words = [
    ...covering.slice(0, -1).flatMap((c) => ((c as (typeof earlier)[number]).transcript?.words as TWord[] | undefined) ?? []),
    ...((transcript?.words as TWord[] | undefined) ?? []),
  ];
  const inWindow = (t: number) => t >= window.start && t <= window.end;
  const signals: TSignals = {
    words: words.filter((w) => inWindow(w.s)).sort((a, b) => a.s - b.s),
    loudness: parts.flatMap((p) => p?.loudness ?? []).filter((x) => inWindow(x.t)).sort((a, b) => a.t - b.t),
    silences: parts.flatMap((p) => p?.silences ?? []).filter((s) => s.end >= window.start && s.start <= window.end).sort((a, b) => a.start - b.start),
    keywordHits: parts.flatMap((p) => p?.keywordHits ?? []).filter((k) => inWindow(k.t)).sort((a, b) => a.t - b.t),
  };

  const session = await prisma.liveSession.findUniqueOrThrow({ where: { id: seg.sessionId }, select: { status: true, contextSummary: true } });
  const lastNumber = await prisma.segment.aggregate({ where: { sessionId: seg.sessionId }, _max: { number: true } });
  const final = opts.final || seg.final || (session.status !== "RECORDING" && lastNumber._max.number === seg.number);

  const candidates = await getDetector().detect({
    signals,
    window,
    context: summaryBefore(session.contextSummary, seg.number),
    settings: {
      minClipSeconds: streamer.minClipSeconds,
      maxClipSeconds: streamer.maxClipSeconds,
      minScore: streamer.minScore,
      keywords: streamer.keywords,
      customPrompt: streamer.customPrompt ?? undefined,
    },
  });
  const ready = final ? candidates : candidates.filter((c) => !isNearWindowEnd(c, window, HOLD_BACK_SECONDS));

  // One writer per session at a time, so a finalizing run and a segment run cannot both add the same moment.
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${seg.sessionId}))`;
    const existing = await tx.clip.findMany({
      where: { sessionId: seg.sessionId, endTime: { gte: window.start - streamer.maxClipSeconds } },
      select: { startTime: true, endTime: true, title: true, hook: true, reason: true, score: true, tags: true, engine: true, excerpt: true },
    });
    const known: TCandidate[] = existing.map((c) => ({
      start: c.startTime,
      end: c.endTime,
      title: c.title,
      hook: c.hook ?? "",
      reason: c.reason,
      score: c.score,
      tags: c.tags,
      engine: c.engine as TCandidate["engine"],
      excerpt: c.excerpt,
    }));
    const fresh = mergeCandidates(known, ready).filter(
      (c) => !known.some((k) => Math.min(k.end, c.end) - Math.max(k.start, c.start) > 0),
    );
    const ids: string[] = [];
    for (const c of fresh) {
      const clip = await tx.clip.upsert({
        where: { sessionId_detectionKey: { sessionId: seg.sessionId, detectionKey: `t${Math.round(c.start * 10)}` } },
        create: {
          userId: seg.userId,
          streamerId: streamer.id,
          sessionId: seg.sessionId,
          segmentId: seg.id,
          detectionKey: `t${Math.round(c.start * 10)}`,
          startTime: c.start,
          endTime: c.end,
          title: c.title,
          hook: c.hook,
          reason: c.reason,
          score: c.score,
          tags: c.tags,
          engine: c.engine,
          engineModel: c.model ?? null,
          excerpt: c.excerpt,
        },
        update: {},
        select: { id: true, status: true },
      });
      if (clip.status === "PENDING") ids.push(clip.id);
    }
    // A re-detection must not reopen the segment.
    if (opts.redetect) return ids;
    await tx.segment.update({ where: { id: segmentId }, data: { progress: 0.9, stage: "rendering" } });
    return ids;
  });
}

/**
 * After detection: a short summary of the segment (Groq chat model, or offline: top words + clip titles)
 * goes into the session's rolling summary, which later segments' detection gets as context.
 */
export async function summarizeSegment(segmentId: string): Promise<string> {
  const seg = await prisma.segment.findUniqueOrThrow({
    where: { id: segmentId },
    select: { sessionId: true, number: true, startOffset: true, duration: true, transcript: { select: { text: true } }, clips: { select: { title: true }, orderBy: { startTime: "asc" } } },
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
    const session = await tx.liveSession.findUniqueOrThrow({ where: { id: seg.sessionId }, select: { contextSummary: true } });
    await tx.liveSession.update({ where: { id: seg.sessionId }, data: { contextSummary: upsertSummaryLine(session.contextSummary, seg.number, line) } });
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
    : `Processing failed: ${message.split("\n")[0].replace(/\/[\w./-]+/g, "…").slice(0, 200)}`;
  await prisma.segment.updateMany({ where: { id: segmentId }, data: { status: "ERROR", error: reason } });
}
