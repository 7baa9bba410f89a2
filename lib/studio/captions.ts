import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import type { TWord } from "@/lib/transcribe";

/** One caption cue in clip time (seconds from the clip's first frame). `words` only while the text is the transcript's. */
export type TCue = { start: number; end: number; text: string; words?: { w: string; s: number; e: number }[] };

const MAX_WORDS = 7;
const MAX_SECONDS = 3.2;
const MAX_GAP = 0.7;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Word-timed cues from the transcript words inside [clipStart, clipEnd] (stream time): a cue ends after
 * 7 words, 3.2 s, or a pause of 0.7 s; its times are its first word's start and last word's end.
 */
export function cuesFromWords(words: TWord[], clipStart: number, clipEnd: number): TCue[] {
  const inside = words
    .filter((w) => w.s >= clipStart - 0.05 && w.e <= clipEnd + 0.05 && w.w.trim())
    .sort((a, b) => a.s - b.s);
  const groups: TWord[][] = [];
  for (const w of inside) {
    const g = groups.at(-1);
    if (g && g.length < MAX_WORDS && w.e - g[0].s <= MAX_SECONDS && w.s - g.at(-1)!.e <= MAX_GAP) g.push(w);
    else groups.push([w]);
  }
  const len = clipEnd - clipStart;
  const clamp = (t: number) => r3(Math.min(len, Math.max(0, t - clipStart)));
  return groups.map((g) => ({
    start: clamp(g[0].s),
    end: clamp(g.at(-1)!.e),
    text: g.map((w) => w.w).join(" "),
    words: g.map((w) => ({ w: w.w, s: clamp(w.s), e: clamp(w.e) })),
  }));
}

const ZStoredCue = z.object({ start: z.number(), end: z.number(), text: z.string() });

/**
 * The clip's captions: the edited ones if saved, else derived from the session's transcripts, and for the
 * stretch no processed segment covers yet, from the live edge's transcribed audio chunks.
 */
export async function getCaptions(
  userId: string,
  clipId: string,
): Promise<{ edited: boolean; duration: number; cues: TCue[] }> {
  const clip = await prisma.clip.findFirst({
    where: { id: clipId, userId },
    select: { sessionId: true, startTime: true, endTime: true, captions: true },
  });
  if (!clip) throw new AppError("not_found", "Clip not found.");
  const duration = r3(clip.endTime - clip.startTime);
  const stored = z.array(ZStoredCue).safeParse(clip.captions);
  const words = await sessionWordsUntil(userId, clip.sessionId, clip.endTime);
  const derived = cuesFromWords(words, clip.startTime, clip.endTime);
  if (clip.captions !== null && stored.success) {
    // An edited cue keeps the transcript's word times while it still has as many words as the transcript
    // has inside its time range (a spelling fix); otherwise word highlighting shares its time out.
    const inClip = derived.flatMap((c) => c.words ?? []);
    const cues = stored.data.map((c) => {
      const inside = inClip.filter((w) => w.s >= c.start - 0.05 && w.e <= c.end + 0.05);
      const count = c.text.split(/\s+/).filter(Boolean).length;
      return inside.length === count && count > 0 ? { ...c, words: inside } : c;
    });
    return { edited: true, duration, cues };
  }
  return { edited: false, duration, cues: derived };
}

/**
 * The session's transcript words (stream time) up to `end`: the processed segments' transcripts, and for the
 * stretch no processed segment covers yet, the live edge's transcribed audio chunks.
 */
export async function sessionWordsUntil(userId: string, sessionId: string, end: number): Promise<TWord[]> {
  const [transcripts, chunks] = await Promise.all([
    prisma.transcript.findMany({
      where: { userId, segment: { sessionId, startOffset: { lt: end } } },
      select: { words: true, segment: { select: { startOffset: true, duration: true } } },
    }),
    // A live clip whose segment has not closed yet: the live edge's audio chunks hold its words.
    prisma.audioChunk.findMany({
      where: { userId, sessionId, status: "DONE", startOffset: { lt: end } },
      select: { words: true },
    }),
  ]);
  const wordsOf = (x: { words: unknown }) => (Array.isArray(x.words) ? (x.words as TWord[]) : []);
  const transcribed = (t: number) =>
    transcripts.some((x) => t >= x.segment.startOffset && t < x.segment.startOffset + x.segment.duration);
  return [...transcripts.flatMap(wordsOf), ...chunks.flatMap(wordsOf).filter((w) => !transcribed(w.s))];
}

export const ZCaptionsInput = z
  .object({
    cues: z
      .array(
        z
          .object({
            start: z.number().finite().min(0),
            end: z.number().finite().min(0),
            text: z.string().trim().min(1).max(200),
          })
          .strict(),
      )
      .max(500),
  })
  .strict();

/** Saves edited cues (text and times) after checking they are ordered, non-overlapping and inside the clip. */
export async function saveCaptions(userId: string, clipId: string, input: z.infer<typeof ZCaptionsInput>) {
  const clip = await prisma.clip.findFirst({
    where: { id: clipId, userId },
    select: { startTime: true, endTime: true },
  });
  if (!clip) throw new AppError("not_found", "Clip not found.");
  const duration = r3(clip.endTime - clip.startTime);
  const cues = input.cues.map((c) => ({ start: r3(c.start), end: r3(c.end), text: c.text.replace(/\s+/g, " ") }));
  cues.forEach((c, i) => {
    if (!(c.end > c.start)) throw new AppError("invalid_input", `cues.${i}: end must be after start.`);
    if (c.end > duration + 0.05)
      throw new AppError("invalid_input", `cues.${i}: ends after the clip (${duration.toFixed(3)} s).`);
    if (i > 0 && c.start < cues[i - 1].end)
      throw new AppError("invalid_input", `cues.${i}: starts before the previous cue ends.`);
  });
  await prisma.clip.updateMany({ where: { id: clipId, userId }, data: { captions: cues } });
  return getCaptions(userId, clipId);
}

/** Clears the edits: captions follow the transcript again. */
export async function resetCaptions(userId: string, clipId: string) {
  const res = await prisma.clip.updateMany({ where: { id: clipId, userId }, data: { captions: Prisma.DbNull } });
  if (res.count === 0) throw new AppError("not_found", "Clip not found.");
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
function stamp(t: number, sep: "," | "."): string {
  const ms = Math.round(t * 1000);
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${sep}${pad(ms % 1000, 3)}`;
}

export function toSrt(cues: TCue[]): string {
  return cues.map((c, i) => `${i + 1}\n${stamp(c.start, ",")} --> ${stamp(c.end, ",")}\n${c.text}\n`).join("\n");
}

export function toVtt(cues: TCue[]): string {
  // "-->" inside a cue would end it early; WebVTT escapes & and <.
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/-->/g, "--&gt;");
  return `WEBVTT\n\n${cues.map((c) => `${stamp(c.start, ".")} --> ${stamp(c.end, ".")}\n${esc(c.text)}\n`).join("\n")}`;
}
