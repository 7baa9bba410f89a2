import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { getStore, storageKeys } from "@/lib/storage";
import { renderRange } from "./render-range";
import { continuousRangeAt, storedSegments } from "./stored-range";

/** Shortest and longest clip a trim (or a manual clip) may produce; TikTok's 3 minutes is the longest preset. */
export const MIN_CLIP_SECONDS = 1;
export const MAX_CLIP_SECONDS = 180;

export const ZRange = z
  .object({
    start: z.number().finite().min(0),
    end: z.number().finite().min(0),
  })
  .strict();
export type TRange = z.infer<typeof ZRange>;

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

/**
 * Checks a stream-time range against the rules every cut follows: end after start, 1–180 s long, and inside
 * one continuous stretch of the session's stored recording. Rounds to milliseconds.
 */
export async function validateRange(sessionId: string, input: TRange): Promise<TRange> {
  const start = Math.round(input.start * 1000) / 1000;
  const end = Math.round(input.end * 1000) / 1000;
  if (!(end > start)) throw new AppError("invalid_input", "end must be after start.");
  const len = end - start;
  if (len < MIN_CLIP_SECONDS || len > MAX_CLIP_SECONDS) {
    throw new AppError(
      "invalid_input",
      `A clip must be between ${MIN_CLIP_SECONDS} and ${MAX_CLIP_SECONDS} seconds long (this range is ${len.toFixed(1)} s).`,
    );
  }
  const segments = await storedSegments(sessionId);
  const run = continuousRangeAt(segments, start);
  if (!run || end > run.end + 0.05) {
    if (!segments.length) throw new AppError("conflict", "The recording of this session is no longer stored.");
    const hint = run ? ` The stored recording here runs ${clock(run.start)}–${clock(run.end)}.` : "";
    throw new AppError("invalid_input", `That range is outside the stored recording of this session.${hint}`);
  }
  return { start, end: Math.min(end, run.end) };
}

/**
 * Records the requested trim on the clip (its current media keeps playing) and returns the range to render.
 * One trim at a time per clip.
 */
export async function requestTrim(userId: string, clipId: string, input: TRange): Promise<TRange> {
  const clip = await prisma.clip.findFirst({
    where: { id: clipId, userId },
    select: { id: true, sessionId: true, status: true, trimStart: true },
  });
  if (!clip) throw new AppError("not_found", "Clip not found.");
  if (clip.status === "PENDING" || clip.status === "RENDERING")
    throw new AppError("conflict", "The clip is still rendering; trim it when it is ready.");
  if (clip.trimStart !== null) throw new AppError("conflict", "A trim of this clip is already rendering.");
  const range = await validateRange(clip.sessionId, input);
  const res = await prisma.clip.updateMany({
    where: { id: clipId, userId, trimStart: null },
    data: { trimStart: range.start, trimEnd: range.end, trimError: null },
  });
  if (res.count === 0) throw new AppError("conflict", "A trim of this clip is already rendering.");
  return range;
}

/**
 * The trim render (an Inngest step): cuts the new range to new file names, then swaps the clip's range and
 * media in one update, and only then deletes the old files. Edited captions are reset (they were timed to
 * the old range). Idempotent: a repeated step after the swap finds no pending trim and does nothing.
 */
export async function renderTrim(clipId: string): Promise<{ duration: number } | null> {
  const clip = await prisma.clip.findUnique({ where: { id: clipId } });
  if (!clip || clip.trimStart === null || clip.trimEnd === null) return null;
  const { trimStart: start, trimEnd: end } = clip;
  const tag = Date.now().toString(36);
  const videoKey = storageKeys.clipVideoVersion(clipId, tag);
  const thumbKey = storageKeys.clipThumbVersion(clipId, tag);
  const { duration, sizeBytes } = await renderRange({
    sessionId: clip.sessionId,
    start,
    end,
    videoKey,
    thumbKey,
  });
  const swapped = await prisma.clip.updateMany({
    where: { id: clipId, trimStart: start, trimEnd: end },
    data: {
      startTime: start,
      endTime: end,
      duration,
      sizeBytes,
      videoKey,
      thumbKey,
      status: "READY",
      error: null,
      trimStart: null,
      trimEnd: null,
      captions: Prisma.DbNull,
    },
  });
  const store = getStore();
  if (swapped.count === 0) {
    await Promise.all([store.delete(videoKey), store.delete(thumbKey)]);
    return null;
  }
  const old = [clip.videoKey, clip.thumbKey].filter((k): k is string => !!k && k !== videoKey && k !== thumbKey);
  await Promise.all(old.map((k) => store.delete(k)));
  return { duration };
}

export async function failTrim(clipId: string, message: string): Promise<void> {
  await prisma.clip.updateMany({
    where: { id: clipId },
    data: { trimStart: null, trimEnd: null, trimError: message.slice(0, 500) },
  });
}
