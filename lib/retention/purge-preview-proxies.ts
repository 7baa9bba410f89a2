import "server-only";
import { prisma } from "@/lib/db";
import type { BlobStore } from "@/lib/storage";

/**
 * A preview proxy is a cache: the trim editor renders it again on its next visit while the recording is stored.
 * A day outlasts an editing session and bounds how long a copy of the recording lives beside it.
 */
export const PROXY_MAX_AGE_HOURS = 24;

/** storageKeys.clipPreviewProxy: `clips/<clipId>/proxy-<startMs>-<endMs>.<mp4|jpg>`. */
const PROXY_KEY_RE = /^clips\/([^/]+)\/proxy-(\d+)-(\d+)\.(mp4|jpg)$/;

/**
 * Deletes the trim editor's preview proxies (video and poster) that are older than PROXY_MAX_AGE_HOURS, whose
 * clip is gone, or whose window overlaps a segment retention already removed: a proxy copies the recording, and
 * once part of that is purged it can neither be kept nor rendered again. Found by listing `clips/` (one listing
 * call per 1000 blobs on Vercel Blob), so proxies left by a render that raced a purge, or by a deleted clip, go
 * too. Returns how many blobs were deleted.
 */
export async function purgePreviewProxies(store: BlobStore, now: Date): Promise<number> {
  const maxAge = new Date(now.getTime() - PROXY_MAX_AGE_HOURS * 3600_000);
  const proxies = (await store.list("clips/")).flatMap((b) => {
    const m = PROXY_KEY_RE.exec(b.key);
    return m ? [{ key: b.key, uploadedAt: b.uploadedAt, clipId: m[1], start: +m[2] / 1000, end: +m[3] / 1000 }] : [];
  });
  if (!proxies.length) return 0;
  // Retention runs for every user: these lookups go by the ids found in storage, not on behalf of one owner.
  const clips = await prisma.clip.findMany({
    where: { id: { in: [...new Set(proxies.map((p) => p.clipId))] } },
    select: { id: true, sessionId: true },
  });
  const sessionOf = new Map(clips.map((c) => [c.id, c.sessionId]));
  const purged = await prisma.segment.findMany({
    where: { sessionId: { in: [...new Set(clips.map((c) => c.sessionId))] }, deletedAt: { not: null } },
    select: { sessionId: true, startOffset: true, duration: true },
  });
  const doomed = proxies.filter((p) => {
    const sessionId = sessionOf.get(p.clipId);
    if (!sessionId || p.uploadedAt < maxAge) return true;
    return purged.some(
      (s) => s.sessionId === sessionId && s.startOffset < p.end && s.startOffset + s.duration > p.start,
    );
  });
  await Promise.all(doomed.map((p) => store.delete(p.key)));
  return doomed.length;
}
