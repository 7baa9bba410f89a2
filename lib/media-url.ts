import crypto from "node:crypto";
import { env } from "@/lib/env";

/**
 * Media (segments, clip videos, thumbnails) is served by /api/media with short-lived signed URLs, so the
 * ownership check happens once where the URL is issued (an owner's API call, or a public share page)
 * and the streaming route needs no session or database lookup. Works the same for both storage backends.
 */
let derived: Buffer | null = null;
/** Derived once per process (a feed page signs two URLs per clip). */
const key = () => (derived ??= crypto.createHash("sha256").update(`media:${env.authSecret}`).digest());

function sign(storageKey: string, exp: number, share: string | null): string {
  const base = share === null ? `${storageKey}\n${exp}` : `${storageKey}\n${exp}\nshare:${share}`;
  return crypto.createHmac("sha256", key()).update(base).digest("base64url");
}

/**
 * A signed URL of stored media. `share`: the URL is for a public share page and is bound to that share slug;
 * /api/media serves it only while the clip is still shared under it (lib/clips/is-share-live.ts), so a revoked
 * share's URLs (on the page, in OG tags, copied elsewhere) stop working although they have not expired.
 */
export function mediaUrl(
  storageKey: string | null | undefined,
  ttlSeconds = 6 * 3600,
  share: string | null = null,
): string | null {
  if (!storageKey) return null;
  // Rounded expiry keeps URLs stable between polls, so the browser cache and <video> elements don't reload.
  const exp = Math.ceil((Date.now() / 1000 + ttlSeconds) / 3600) * 3600;
  const shared = share === null ? "" : `&share=${encodeURIComponent(share)}`;
  return `/api/media/${storageKey}?exp=${exp}${shared}&sig=${sign(storageKey, exp, share)}`;
}

export function verifyMediaSignature(
  storageKey: string,
  exp: string | null,
  sig: string | null,
  share: string | null = null,
): boolean {
  const e = Number(exp);
  if (!sig || !Number.isInteger(e) || e < Date.now() / 1000) return false;
  const expected = Buffer.from(sign(storageKey, e, share));
  const given = Buffer.from(sig);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
