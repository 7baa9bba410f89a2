import { z } from "zod";
import { getStore } from "@/lib/storage";

/**
 * The live edge's media buffer. While a session records, the recorder also cuts the stream into short
 * MPEG-TS parts (1–2 s, or the source's keyframe interval; stream copy, each part starts on a keyframe, so
 * any run of consecutive parts plays and concatenates byte-wise), stores each, and rewrites this manifest
 * after every part. The app reads it to play the session live (an HLS media playlist of the newest parts)
 * and to cut clips whose segment has not closed yet. The recorder deletes parts (and drops them from the
 * manifest) once the segment covering them is stored and a grace period has passed.
 */

export const ZLivePart = z.object({
  /** Grows by one per part across the whole session (a recorder restart continues the numbering). */
  seq: z.number().int().min(0),
  /** Storage key of the part (MPEG-TS), under liveKeys.parts(sessionId). */
  key: z.string().min(1),
  /** Seconds from the start of the live session: the same clock as segments' startOffset and audio chunks. */
  start: z.number().min(0),
  duration: z.number().positive(),
  /** The part does not follow the one before it without a gap (a new recorder run): an HLS discontinuity. */
  discontinuity: z.boolean().default(false),
});
export type TLivePart = z.infer<typeof ZLivePart>;

export const ZLiveManifest = z.object({
  sessionId: z.string().min(1),
  /** ISO time of the last rewrite. */
  updatedAt: z.string(),
  /** Longest part duration, rounded up (HLS #EXT-X-TARGETDURATION). */
  targetDuration: z.number().int().positive(),
  /** Oldest first, no gaps in `seq`. */
  parts: z.array(ZLivePart),
  /** True once the recording stopped: no part will be added. */
  ended: z.boolean().default(false),
});
export type TLiveManifest = z.infer<typeof ZLiveManifest>;

/**
 * Keys of the live edge. `epoch` is the recorder lease's (lib/recorder/lease.ts): each owner of a session writes
 * its own parts and manifest, so a paused former owner that wakes up cannot overwrite what the new owner wrote,
 * and the app reads only the current owner's manifest. Epoch 0 (no lease: a recorder started by hand, tests)
 * keeps the plain names.
 */
export const liveKeys = {
  /** Folder of a session's live parts. */
  parts: (sessionId: string) => `sessions/${sessionId}/live/`,
  part: (sessionId: string, seq: number, epoch = 0) =>
    `${liveKeys.parts(sessionId)}${String(seq).padStart(7, "0")}${epoch ? `-e${epoch}` : ""}.ts`,
  manifest: (sessionId: string, epoch = 0) => `${liveKeys.parts(sessionId)}manifest${epoch ? `-e${epoch}` : ""}.json`,
};

/**
 * The session's current live manifest (its lease holder's), or null when there is none (not recording, or
 * nothing cut yet). `epoch` defaults to the session's current lease epoch, read from the database.
 */
export async function readLiveManifest(sessionId: string, epoch?: number): Promise<TLiveManifest | null> {
  if (epoch === undefined) {
    // Imported here, not at the top: the recorder uses liveKeys and holds no database connection.
    const { prisma } = await import("@/lib/db");
    const row = await prisma.liveSession.findUnique({ where: { id: sessionId }, select: { leaseEpoch: true } });
    epoch = row?.leaseEpoch ?? 0;
  }
  const blob = await getStore().read(liveKeys.manifest(sessionId, epoch));
  if (!blob) return null;
  const chunks: Buffer[] = [];
  for await (const c of blob.stream) chunks.push(c as Buffer);
  const parsed = ZLiveManifest.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  return parsed.success ? parsed.data : null;
}

/** End of the newest part, in session seconds (the live edge), or null for an empty manifest. */
export function liveEdgeOf(m: TLiveManifest): number | null {
  const last = m.parts.at(-1);
  return last ? last.start + last.duration : null;
}

/**
 * The consecutive parts that together cover [start, end], or null when the manifest does not hold all of
 * that range (a part missing, or a discontinuity inside it).
 */
export function partsCovering(m: TLiveManifest, start: number, end: number): TLivePart[] | null {
  const eps = 0.05;
  const picked = m.parts.filter((p) => p.start + p.duration > start + eps && p.start < end - eps);
  if (!picked.length) return null;
  if (picked[0].start > start + eps || picked.at(-1)!.start + picked.at(-1)!.duration < end - eps) return null;
  for (let i = 1; i < picked.length; i++) {
    if (picked[i].seq !== picked[i - 1].seq + 1 || picked[i].discontinuity) return null;
  }
  return picked;
}
