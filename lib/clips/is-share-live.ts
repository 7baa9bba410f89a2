import { createTtlCache } from "@/lib/cache/ttl-cache";
import { prisma } from "@/lib/db";

/** How long a share lookup is reused: a revoked share's media stops within this (at once in this process). */
const SHARE_CACHE_MS = 30_000;
const cache = createTtlCache<{ videoKey: string | null; thumbKey: string | null } | null>({
  ttlMs: SHARE_CACHE_MS,
  max: 5000,
});

/**
 * Whether `storageKey` is the video or thumbnail of a READY clip shared under `slug` right now. /api/media asks
 * for every share-bound URL (lib/media-url.ts); revoking or re-sharing a clip drops its entry here.
 */
export async function isShareLive(slug: string, storageKey: string): Promise<boolean> {
  let clip = cache.get(slug);
  if (clip === undefined) {
    const row = await prisma.clip.findUnique({
      where: { shareSlug: slug },
      select: { videoKey: true, thumbKey: true, status: true },
    });
    clip = row && row.status === "READY" ? { videoKey: row.videoKey, thumbKey: row.thumbKey } : null;
    cache.set(slug, clip);
  }
  return !!clip && (clip.videoKey === storageKey || clip.thumbKey === storageKey);
}

/** Forgets a slug at once (its clip was unshared or deleted in this process). */
export function forgetShare(slug: string): void {
  cache.delete(slug);
}
