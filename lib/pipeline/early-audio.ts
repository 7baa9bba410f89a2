import path from "node:path";
import { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { analyseAudio } from "@/lib/media";
import { writeWavSlice } from "@/lib/media/wav";
import { getStore } from "@/lib/storage";
import { getTranscriber, spotKeywords, transcriberIdentity, type TKeywordHit, type TWord } from "@/lib/transcribe";
import { keywordsFor, keywordsKey } from "./keywords";
import { backlogSeconds, chooseChunkMode, type TChunkMode } from "./live-backpressure";
import { type TChunkSignals, wordsPerSecond, ZChunkSignals } from "./live-window";
import { withWorkdir } from "./workdir";

/**
 * Early transcription. The recorder also sends the live audio ahead in short chunks (LIVE_CHUNK_SECONDS,
 * `audio.chunk`, see lib/recorder/protocol.ts); each is transcribed, keyword-spotted and measured while the
 * segment is still recording (`transcribe-audio-chunk`), then live detection runs (live-detect.ts). When the
 * segment closes, its transcription and keyword spotting take the chunks' results and decode only the
 * stretches no chunk covers, so a 15-minute segment waits for about one chunk of decoding.
 *
 * A chunk is claimed by exactly one side: the chunk function (PENDING → RUNNING → DONE) or the segment
 * (PENDING → SKIPPED, decoding that stretch itself). A segment waits for chunks that are RUNNING.
 */

export type TRange = { start: number; end: number };

/** Longest chunk the protocol allows (ZAudioChunk.duration): bounds the overlap query. */
const MAX_CHUNK_SECONDS = 600;
/** How long a closing segment waits for chunks being transcribed before doing their stretch itself. */
const CHUNK_WAIT_MS = 180_000;

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The parts of `range` that no range in `covered` covers; slivers shorter than `minGap` seconds are dropped. */
export function uncovered(range: TRange, covered: TRange[], minGap = 0.25): TRange[] {
  const parts = covered
    .map((c) => ({ start: Math.max(range.start, c.start), end: Math.min(range.end, c.end) }))
    .filter((c) => c.end > c.start)
    .sort((a, b) => a.start - b.start);
  const gaps: TRange[] = [];
  let at = range.start;
  for (const c of parts) {
    if (c.start > at) gaps.push({ start: at, end: c.start });
    at = Math.max(at, c.end);
  }
  if (range.end > at) gaps.push({ start: at, end: range.end });
  return gaps.filter((g) => g.end - g.start >= minGap).map((g) => ({ start: r3(g.start), end: r3(g.end) }));
}

type TSegmentRange = { sessionId: string; startOffset: number; duration: number; final?: boolean };

/** Chunks of the segment's session that overlap it, optionally only in some states. */
async function overlapping(seg: TSegmentRange, status?: ("PENDING" | "RUNNING" | "DONE" | "SKIPPED" | "ERROR")[]) {
  const end = seg.startOffset + seg.duration;
  const rows = await prisma.audioChunk.findMany({
    where: {
      sessionId: seg.sessionId,
      startOffset: { lt: end, gt: seg.startOffset - MAX_CHUNK_SECONDS },
      ...(status ? { status: { in: status } } : {}),
    },
    orderBy: { startOffset: "asc" },
  });
  return rows.filter((r) => r.startOffset + r.duration > seg.startOffset);
}

/**
 * Step before transcription: chunks of this segment not started yet are taken over (SKIPPED), chunks being
 * transcribed are waited for (at most CHUNK_WAIT_MS, then taken over too). Afterwards no chunk of the
 * segment changes state, so transcription and analysis see the same coverage. Returns the seconds covered.
 */
export async function settleEarlyAudio(
  segmentId: string,
  opts: { waitMs?: number; pollMs?: number } = {},
): Promise<{ chunks: number; coveredSeconds: number }> {
  const seg = await prisma.segment.findUniqueOrThrow({
    where: { id: segmentId },
    select: { sessionId: true, startOffset: true, duration: true },
  });
  const skip = async (from: "PENDING" | "RUNNING") => {
    const ids = (await overlapping(seg, [from])).map((c) => c.id);
    if (ids.length)
      await prisma.audioChunk.updateMany({ where: { id: { in: ids }, status: from }, data: { status: "SKIPPED" } });
  };
  await skip("PENDING");
  const deadline = Date.now() + (opts.waitMs ?? CHUNK_WAIT_MS);
  while ((await overlapping(seg, ["RUNNING"])).length) {
    if (Date.now() >= deadline) {
      await skip("RUNNING");
      break;
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
  const done = await overlapping(seg, ["DONE"]);
  const range = { start: seg.startOffset, end: seg.startOffset + seg.duration };
  const gaps = uncovered(
    range,
    done.map((c) => ({ start: c.startOffset, end: c.startOffset + c.duration })),
    0,
  );
  return { chunks: done.length, coveredSeconds: r3(seg.duration - gaps.reduce((n, g) => n + g.end - g.start, 0)) };
}

const inSegment = (seg: TSegmentRange) => (t: number) => t >= seg.startOffset && t < seg.startOffset + seg.duration;

/** Seconds around a clip whose live words (fast search) the segment decodes again with its own search. */
const REDECODE_MARGIN_SECONDS = 2;

/**
 * Words the segment's DONE chunks hold (by the current engine), and the stretches they cover. Chunks decoded
 * with the fast search (LIVE_SEARCH) that reach within REDECODE_MARGIN_SECONDS of one of the session's clips
 * count as not covered: the segment decodes them again with POCKETSPHINX_SEARCH, so a clip's excerpt,
 * captions and search hits get the accurate words (the fast search garbles shouting the most).
 */
export async function earlyWords(
  seg: TSegmentRange,
): Promise<{ words: TWord[]; covered: TRange[]; language?: string }> {
  const id = transcriberIdentity();
  const [chunks, clips] = await Promise.all([
    overlapping(seg, ["DONE"]),
    prisma.clip.findMany({
      where: {
        sessionId: seg.sessionId,
        startTime: { lt: seg.startOffset + seg.duration + REDECODE_MARGIN_SECONDS },
        endTime: { gt: seg.startOffset - REDECODE_MARGIN_SECONDS },
      },
      select: { startTime: true, endTime: true },
    }),
  ]);
  const nearClip = (c: { startOffset: number; duration: number }) =>
    clips.some(
      (k) =>
        c.startOffset < k.endTime + REDECODE_MARGIN_SECONDS &&
        c.startOffset + c.duration > k.startTime - REDECODE_MARGIN_SECONDS,
    );
  const rows = chunks.filter(
    (c) =>
      c.engine === id.engine &&
      c.model === id.model &&
      c.words &&
      !(ZChunkSignals.nullable().catch(null).parse(c.signals)?.search === "fast" && nearClip(c)),
  );
  const inSeg = inSegment(seg);
  return {
    words: rows.flatMap((c) => c.words as TWord[]).filter((w) => inSeg((w.s + w.e) / 2)),
    language: rows.find((c) => c.language)?.language ?? undefined,
    covered: rows.map((c) => ({ start: c.startOffset, end: c.startOffset + c.duration })),
  };
}

/** Keyword hits the segment's DONE chunks hold (spotted with the same keyword list), and what they cover. */
export async function earlyKeywordHits(
  seg: TSegmentRange,
  keywords: string[],
): Promise<{ hits: TKeywordHit[]; covered: TRange[] }> {
  const key = keywordsKey(keywords);
  const rows = (await overlapping(seg, ["DONE"])).filter((c) => c.keywords === key && c.keywordHits);
  const inSeg = inSegment(seg);
  return {
    hits: rows.flatMap((c) => c.keywordHits as TKeywordHit[]).filter((h) => inSeg(h.t)),
    covered: rows.map((c) => ({ start: c.startOffset, end: c.startOffset + c.duration })),
  };
}

/**
 * Runs `fn` over the stretches of a segment's WAV that `covered` misses: the whole file when nothing is
 * covered, otherwise one slice per gap. `fn` gets a WAV path and that file's start in stream time.
 */
export async function overGaps<T>(
  wav: string,
  seg: TSegmentRange,
  covered: TRange[],
  fn: (file: string, offset: number) => Promise<T[]>,
): Promise<T[]> {
  if (!covered.length) return fn(wav, seg.startOffset);
  const gaps = uncovered({ start: seg.startOffset, end: seg.startOffset + seg.duration }, covered);
  const out: T[] = [];
  for (const [i, g] of gaps.entries()) {
    const file = path.join(path.dirname(wav), `gap-${i}.wav`);
    const seconds = await writeWavSlice(wav, file, g.start - seg.startOffset, g.end - seg.startOffset);
    if (seconds > 0) out.push(...(await fn(file, g.start)));
  }
  return out;
}

/** ebur128's momentary value covers the 400 ms before it: earlier ones in a chunk lack the audio before. */
const MOMENTARY_WINDOW = 0.4;

export type TChunkWork = {
  status: "done" | "skipped";
  words: number;
  /** `fast` when the stream was a little behind live (pruned search), `cheap` further behind (no decoding). */
  mode?: TChunkMode;
  lagSeconds?: number;
  /** Wall time (ms) until decoding, keyword spotting and loudness + silences were each done (they run in parallel). */
  ms?: { transcribe: number; keywords: number; signals: number };
};

/**
 * Backpressure (live-backpressure.ts): how far behind live the session is at this chunk (the audio announced
 * after it, or its own wait for a worker) and the mode of the session's previous chunk, for the hysteresis.
 */
async function chunkMode(chunk: {
  id: string;
  sessionId: string;
  startOffset: number;
  duration: number;
  createdAt: Date;
}): Promise<{ mode: TChunkMode; lagSeconds: number }> {
  const [newest, previous] = await Promise.all([
    prisma.$queryRaw<{ end: number | null }[]>`
      select max("startOffset" + duration) as "end" from "AudioChunk" where "sessionId" = ${chunk.sessionId}`,
    prisma.audioChunk.findFirst({
      where: { sessionId: chunk.sessionId, status: "DONE", startOffset: { lt: chunk.startOffset } },
      orderBy: { startOffset: "desc" },
      select: { signals: true },
    }),
  ]);
  const chunkEnd = chunk.startOffset + chunk.duration;
  const lagSeconds = backlogSeconds({
    chunkEnd,
    arrivedEnd: newest[0]?.end ?? chunkEnd,
    arrivedAtMs: chunk.createdAt.getTime(),
    nowMs: Date.now(),
  });
  const prev = previous ? (ZChunkSignals.nullable().catch(null).parse(previous.signals)?.mode ?? "full") : null;
  return { mode: chooseChunkMode({ decode: env.LIVE_DECODE, lagSeconds, previous: prev }), lagSeconds };
}

/**
 * The `transcribe-audio-chunk` step: words, keyword hits and cheap signals (momentary loudness, silences,
 * speech rate) of one chunk, for live detection and for its segment, unless its segment took it over. A
 * stream behind live gets a `fast` chunk (decoded with the pruned search), further behind a `cheap` one: no
 * decoding (words null, so its segment decodes the stretch).
 */
export async function transcribeAudioChunk(chunkId: string): Promise<TChunkWork> {
  const claimed = await prisma.audioChunk.updateMany({
    where: { id: chunkId, status: { in: ["PENDING", "RUNNING"] } },
    data: { status: "RUNNING", claimedAt: new Date() },
  });
  if (!claimed.count) return { status: "skipped", words: 0 };
  const chunk = await prisma.audioChunk.findUniqueOrThrow({
    where: { id: chunkId },
    select: {
      id: true,
      sessionId: true,
      storageKey: true,
      startOffset: true,
      duration: true,
      createdAt: true,
      session: { select: { streamer: { select: { keywords: true } } } },
    },
  });
  const { mode, lagSeconds } = await chunkMode(chunk);
  const search = mode === "fast" || env.LIVE_SEARCH === "fast" ? "fast" : "accurate";
  const keywords = keywordsFor(chunk.session.streamer.keywords);
  const at = chunk.startOffset;
  const r = await withWorkdir(async (dir) => {
    const wav = path.join(dir, "chunk.wav");
    await getStore().download(chunk.storageKey, wav);
    // Decoding, keyword spotting and the ffmpeg measurement run side by side: each is one process, and the
    // chunk's wall time is what the live edge waits for.
    const clock = performance.now();
    const timed = async <T>(p: Promise<T>): Promise<[T, number]> => [await p, Math.round(performance.now() - clock)];
    const [[t, transcribe], [hits, keywordsMs], [measured, signalsMs]] = await Promise.all([
      timed(
        mode === "cheap"
          ? Promise.resolve(null)
          : getTranscriber().transcribe(wav, { offset: at, keywords, search: search === "fast" ? "fast" : undefined }),
      ),
      // A cheap chunk (a stream far behind live) spots keywords on half the frames too: about half the CPU.
      timed(spotKeywords(wav, keywords, mode === "cheap" ? { roughKeywords: true } : undefined)),
      timed(analyseAudio(wav)),
    ]);
    const signals: TChunkSignals = {
      loudness: measured.loudness
        .filter((x) => x.t >= MOMENTARY_WINDOW)
        .map((x) => ({ t: r3(x.t + at), lufs: x.lufs })),
      silences: measured.silences.map((x) => ({ start: r3(x.start + at), end: r3(x.end + at) })),
      wordsPerSecond: t ? wordsPerSecond(t.words, chunk.duration) : 0,
      mode,
      lagSeconds,
      ...(t?.engine === "pocketsphinx" ? { search } : {}),
    };
    const ms = { transcribe, keywords: keywordsMs, signals: signalsMs };
    return { t, hits: hits.map((h) => ({ ...h, t: r3(h.t + at) })), signals, ms };
  });
  const done = await prisma.audioChunk.updateMany({
    where: { id: chunkId, status: "RUNNING" },
    data: {
      status: "DONE",
      // A cheap chunk has no words: its segment's transcription decodes the stretch (earlyWords skips it).
      words: r.t ? r.t.words : Prisma.DbNull,
      keywordHits: r.hits,
      keywords: keywordsKey(keywords),
      signals: r.signals,
      engine: r.t?.engine ?? null,
      model: r.t?.model ?? null,
      language: r.t?.language ?? null,
    },
  });
  await getStore().delete(chunk.storageKey);
  return {
    status: done.count ? "done" : "skipped",
    words: r.t?.words.length ?? 0,
    mode,
    lagSeconds,
    ms: r.ms,
  };
}

/** A chunk whose function gave up: its segment decodes that stretch itself. */
export async function failAudioChunk(chunkId: string, message: string): Promise<void> {
  await prisma.audioChunk.updateMany({
    where: { id: chunkId, status: { in: ["PENDING", "RUNNING"] } },
    data: { status: "ERROR", error: message.slice(0, 300) },
  });
}

/**
 * After a segment is done: its chunks are no longer needed (a chunk reaching into the next segment stays
 * for that one, unless this segment is the session's last). Their audio is deleted with them.
 */
export async function dropConsumedChunks(seg: TSegmentRange): Promise<number> {
  const end = seg.startOffset + seg.duration;
  const rows = (await overlapping(seg, ["DONE", "SKIPPED", "ERROR"])).filter(
    (c) => seg.final || c.startOffset + c.duration <= end + 0.5,
  );
  if (!rows.length) return 0;
  await Promise.all(rows.map((c) => getStore().delete(c.storageKey)));
  await prisma.audioChunk.deleteMany({ where: { id: { in: rows.map((c) => c.id) } } });
  return rows.length;
}
