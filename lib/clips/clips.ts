import crypto from "node:crypto";
import { z } from "zod";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { mediaUrl } from "@/lib/media-url";
import { Prisma } from "@/generated/prisma/client";
import { forgetShare } from "./is-share-live";

const clipInclude = { streamer: { select: { id: true, name: true } } } as const;
type TClipRow = Prisma.ClipGetPayload<{ include: typeof clipInclude }>;
/** The columns toClipDto reads (the feed's SQL selects exactly these). */
type TClipFields = Pick<
  TClipRow,
  | "id"
  | "streamer"
  | "sessionId"
  | "startTime"
  | "endTime"
  | "duration"
  | "title"
  | "hook"
  | "reason"
  | "score"
  | "tags"
  | "engine"
  | "engineModel"
  | "excerpt"
  | "status"
  | "videoKey"
  | "thumbKey"
  | "shareSlug"
  | "review"
  | "favorite"
  | "createdAt"
  | "trimStart"
  | "trimEnd"
  | "trimError"
>;

/** The client-facing shape: stream times, status, signed media URLs. No storage keys or internal errors. */
/**
 * `transcript`: the engine that transcribed the clip's words (clip page only; the feed does not join it);
 * `transcriptPending`: its segment has not been transcribed yet (a live clip), as opposed to purged.
 */
export function toClipDto(
  c: TClipFields,
  transcript?: { engine: string; model: string | null } | null,
  transcriptPending = false,
) {
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
    transcriptPending,
    excerpt: c.excerpt,
    status: c.status,
    error: c.status === "ERROR" ? "Rendering failed. Try again later." : null,
    videoUrl: c.status === "READY" ? mediaUrl(c.videoKey) : null,
    thumbUrl: c.status === "READY" ? mediaUrl(c.thumbKey) : null,
    shareSlug: c.shareSlug,
    review: c.review,
    favorite: c.favorite,
    createdAt: c.createdAt.toISOString(),
    trim: c.trimStart !== null && c.trimEnd !== null ? { start: c.trimStart, end: c.trimEnd } : null,
    trimError: c.trimError ? "The new range could not be rendered. Try again." : null,
  };
}
export type TClipDto = ReturnType<typeof toClipDto>;

const ID = z.string().max(64);
const BOOL = z.enum(["true", "false"]).transform((v) => v === "true");

/** Gallery / review feed filters. Unknown parameters are rejected so a typo does not silently list everything. */
export const ZClipQuery = z
  .strictObject({
    cursor: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(24),
    streamerId: ID.optional(),
    sessionId: ID.optional(),
    review: z.enum(["PENDING", "APPROVED", "REJECTED"]).optional(),
    render: z.enum(["PENDING", "RENDERING", "READY", "ERROR"]).optional(),
    favorite: BOOL.optional(),
    minScore: z.coerce.number().int().min(0).max(100).optional(),
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to." });
export type TClipQuery = z.infer<typeof ZClipQuery>;

/** Keyset cursor: the last row's createdAt (ms) and id. Opaque to clients. */
export function encodeCursor(c: { createdAt: Date; id: string }) {
  return `${c.createdAt.getTime()}_${c.id}`;
}
function decodeCursor(cursor: string) {
  const m = /^(\d{1,15})_([A-Za-z0-9]{1,40})$/.exec(cursor);
  if (!m) throw new AppError("bad_request", "Invalid cursor.");
  return { createdAt: new Date(Number(m[1])), id: m[2] };
}

type TFeedRow = Omit<TClipFields, "createdAt"> & { createdAtMs: number };

/**
 * The feed's page as one statement whose result is a single JSON array built by PostgreSQL. The feed is the
 * most polled endpoint (every open gallery, every 5 s), and Prisma's findMany spent 1.5 ms of CPU per page
 * turning 25 rows of 30 columns into objects; one JSON value costs 0.8 ms (bench:api serverCpuMsPerRequest).
 * Filters are bound parameters; the keyset condition is the one the (userId, createdAt) index scan starts at.
 */
async function feedRows(userId: string, q: TClipQuery, take: number): Promise<TFeedRow[]> {
  const day = 24 * 3600 * 1000;
  const where = [Prisma.sql`c."userId" = ${userId}`];
  if (q.streamerId) where.push(Prisma.sql`c."streamerId" = ${q.streamerId}`);
  if (q.sessionId) where.push(Prisma.sql`c."sessionId" = ${q.sessionId}`);
  if (q.review) where.push(Prisma.sql`c.review = ${q.review}::"ClipReview"`);
  if (q.render) where.push(Prisma.sql`c.status = ${q.render}::"ClipStatus"`);
  if (q.favorite !== undefined) where.push(Prisma.sql`c.favorite = ${q.favorite}`);
  if (q.minScore !== undefined) where.push(Prisma.sql`c.score >= ${q.minScore}`);
  if (q.from) where.push(Prisma.sql`c."createdAt" >= ${new Date(q.from)}`);
  if (q.to) where.push(Prisma.sql`c."createdAt" < ${new Date(new Date(q.to).getTime() + day)}`);
  if (q.cursor) {
    const after = decodeCursor(q.cursor);
    // Keyset: (createdAt, id) before the cursor. The redundant `createdAt <= cursor` is what lets PostgreSQL
    // start the (userId, createdAt) index scan at the cursor; with the OR alone it walked and filtered every
    // newer clip first (65 ms at the 50 000th of 100k clips, 0.14 ms with it; bench:api feed-deep-cursor).
    where.push(
      Prisma.sql`c."createdAt" <= ${after.createdAt} and (c."createdAt" < ${after.createdAt} or (c."createdAt" = ${after.createdAt} and c.id < ${after.id}))`,
    );
  }
  const [{ rows }] = await prisma.$queryRaw<{ rows: TFeedRow[] }[]>`
    select coalesce(json_agg(r order by r."createdAtMs" desc, r.id desc), '[]') as rows from (
      select c.id, json_build_object('id', s.id, 'name', s.name) as streamer, c."sessionId", c."startTime", c."endTime", c.duration,
             c.title, c.hook, c.reason, c.score, c.tags, c.engine, c."engineModel", c.excerpt, c.status, c."videoKey", c."thumbKey",
             c."shareSlug", c.review, c.favorite, round(extract(epoch from c."createdAt") * 1000)::float8 as "createdAtMs",
             c."trimStart", c."trimEnd", c."trimError"
      from "Clip" c join "Streamer" s on s.id = c."streamerId"
      where ${Prisma.join(where, " and ")}
      order by c."createdAt" desc, c.id desc
      limit ${take}
    ) r`;
  return rows;
}

export async function listClips(userId: string, q: TClipQuery) {
  const rows = (await feedRows(userId, q, q.limit + 1)).map(({ createdAtMs, ...c }) => ({
    ...c,
    createdAt: new Date(createdAtMs),
  }));
  const page = rows.slice(0, q.limit);
  return {
    clips: page.map((c) => toClipDto(c)),
    nextCursor: rows.length > q.limit ? encodeCursor(page.at(-1)!) : null,
  };
}

export const ZClipReviewPatch = z
  .strictObject({
    review: z.enum(["PENDING", "APPROVED", "REJECTED"]).optional(),
    favorite: z.boolean().optional(),
  })
  .refine((p) => p.review !== undefined || p.favorite !== undefined, {
    message: "Nothing to update: send review and/or favorite.",
  });

/** Review actions from the studio: approve / reject / back to pending, favourite on or off. */
export async function reviewClip(userId: string, id: string, patch: z.infer<typeof ZClipReviewPatch>) {
  const res = await prisma.clip.updateMany({
    where: { id, userId },
    data: {
      review: patch.review,
      favorite: patch.favorite,
      ...(patch.review ? { reviewedAt: patch.review === "PENDING" ? null : new Date() } : {}),
    },
  });
  if (res.count === 0) throw new AppError("not_found", "Clip not found.");
  return getClip(userId, id);
}

export async function getClip(userId: string, id: string) {
  const clip = await prisma.clip.findFirst({
    where: { id, userId },
    include: {
      ...clipInclude,
      segment: { select: { status: true, transcript: { select: { engine: true, model: true } } } },
    },
  });
  if (!clip) throw new AppError("not_found", "Clip not found.");
  if (clip.segment?.transcript) return toClipDto(clip, clip.segment.transcript);
  // A live clip whose segment is still recording or processing: its words so far are the live chunks'.
  if (!clip.segment || clip.segment.status !== "DONE") {
    const chunk = await prisma.audioChunk.findFirst({
      where: { sessionId: clip.sessionId, startOffset: { lt: clip.endTime }, engine: { not: null } },
      orderBy: { startOffset: "desc" },
      select: { engine: true, model: true },
    });
    return toClipDto(clip, chunk?.engine ? { engine: chunk.engine, model: chunk.model } : null, true);
  }
  return toClipDto(clip, null);
}

/** Creates (or returns) the public slug. Idempotent. */
export async function shareClip(userId: string, id: string) {
  const clip = await prisma.clip.findFirst({
    where: { id, userId },
    select: { id: true, shareSlug: true, status: true },
  });
  if (!clip) throw new AppError("not_found", "Clip not found.");
  if (clip.status !== "READY")
    throw new AppError("conflict", "The clip is still rendering; share it when it is ready.");
  if (clip.shareSlug) return { shareSlug: clip.shareSlug };
  const shareSlug = crypto.randomBytes(9).toString("base64url");
  await prisma.clip.update({ where: { id }, data: { shareSlug, sharedAt: new Date() } });
  return { shareSlug };
}

/** Revokes the public slug; media URLs issued for it stop working (lib/clips/is-share-live.ts). */
export async function unshareClip(userId: string, id: string) {
  const clip = await prisma.clip.findFirst({ where: { id, userId }, select: { shareSlug: true } });
  if (!clip) throw new AppError("not_found", "Clip not found.");
  await prisma.clip.updateMany({ where: { id, userId }, data: { shareSlug: null, sharedAt: null } });
  if (clip.shareSlug) forgetShare(clip.shareSlug);
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
    videoUrl: mediaUrl(c.videoKey, 7 * 24 * 3600, slug),
    thumbUrl: mediaUrl(c.thumbKey, 7 * 24 * 3600, slug),
    createdAt: c.createdAt.toISOString(),
  };
}
