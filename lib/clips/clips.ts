import crypto from "node:crypto";
import { z } from "zod";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { mediaUrl } from "@/lib/media-url";
import type { Prisma } from "@/generated/prisma/client";

const clipInclude = { streamer: { select: { id: true, name: true } } } as const;
type TClipRow = Prisma.ClipGetPayload<{ include: typeof clipInclude }>;

/** The client-facing shape: stream times, status, signed media URLs. No storage keys or internal errors. */
/** `transcript`: the engine that transcribed the clip's segment (clip page only; the feed does not join it). */
export function toClipDto(c: TClipRow, transcript?: { engine: string; model: string | null } | null) {
  return {
    id: c.id,
    streamer: c.streamer,
    sessionId: c.sessionId,
    startTime: c.startTime,
    endTime: c.endTime,
    duration: c.duration ?? c.endTime - c.startTime,
    title: c.title,
    hook: c.hook,
    reason: c.reason,
    score: c.score,
    tags: c.tags,
    engine: c.engine,
    engineModel: c.engineModel,
    transcriptEngine: transcript ? { engine: transcript.engine, model: transcript.model } : null,
    excerpt: c.excerpt,
    status: c.status,
    error: c.status === "ERROR" ? "Rendering failed. Try again later." : null,
    videoUrl: c.status === "READY" ? mediaUrl(c.videoKey) : null,
    thumbUrl: c.status === "READY" ? mediaUrl(c.thumbKey) : null,
    shareSlug: c.shareSlug,
    createdAt: c.createdAt.toISOString(),
    trim: c.trimStart !== null && c.trimEnd !== null ? { start: c.trimStart, end: c.trimEnd } : null,
    trimError: c.trimError ? "The new range could not be rendered. Try again." : null,
  };
}
export type TClipDto = ReturnType<typeof toClipDto>;

export const ZClipQuery = z.object({
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(24),
  streamerId: z.string().max(64).optional(),
  sessionId: z.string().max(64).optional(),
});

export async function listClips(userId: string, q: z.infer<typeof ZClipQuery>) {
  const rows = await prisma.clip.findMany({
    where: { userId, streamerId: q.streamerId, sessionId: q.sessionId },
    include: clipInclude,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, q.limit);
  return { clips: page.map((c) => toClipDto(c)), nextCursor: rows.length > q.limit ? page.at(-1)!.id : null };
}

export async function getClip(userId: string, id: string) {
  const clip = await prisma.clip.findFirst({
    where: { id, userId },
    include: { ...clipInclude, segment: { select: { transcript: { select: { engine: true, model: true } } } } },
  });
  if (!clip) throw new AppError("not_found", "Clip not found.");
  return toClipDto(clip, clip.segment?.transcript);
}

/** Creates (or returns) the public slug. Idempotent. */
export async function shareClip(userId: string, id: string) {
  const clip = await prisma.clip.findFirst({ where: { id, userId }, select: { id: true, shareSlug: true, status: true } });
  if (!clip) throw new AppError("not_found", "Clip not found.");
  if (clip.status !== "READY") throw new AppError("conflict", "The clip is still rendering; share it when it is ready.");
  if (clip.shareSlug) return { shareSlug: clip.shareSlug };
  const shareSlug = crypto.randomBytes(9).toString("base64url");
  await prisma.clip.update({ where: { id }, data: { shareSlug, sharedAt: new Date() } });
  return { shareSlug };
}

export async function unshareClip(userId: string, id: string) {
  const res = await prisma.clip.updateMany({ where: { id, userId }, data: { shareSlug: null, sharedAt: null } });
  if (res.count === 0) throw new AppError("not_found", "Clip not found.");
}

/** Public: only what the share page shows, only for a shared, rendered clip. */
export async function getSharedClip(slug: string) {
  if (!/^[A-Za-z0-9_-]{6,32}$/.test(slug)) return null;
  const c = await prisma.clip.findUnique({ where: { shareSlug: slug }, include: clipInclude });
  if (!c || c.status !== "READY") return null;
  return {
    title: c.title,
    hook: c.hook,
    streamerName: c.streamer.name,
    duration: c.duration ?? c.endTime - c.startTime,
    excerpt: c.excerpt,
    videoUrl: mediaUrl(c.videoKey, 7 * 24 * 3600),
    thumbUrl: mediaUrl(c.thumbKey, 7 * 24 * 3600),
    createdAt: c.createdAt.toISOString(),
  };
}
