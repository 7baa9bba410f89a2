import type { TLiveManifest, TLivePart } from "@/lib/live-edge/manifest";

/** How much of the newest buffer the playlist offers (the player joins ~3 parts behind its end). */
export const LIVE_WINDOW_SECONDS = 30;

/** The newest parts adding up to at least `seconds` (all of them when the buffer is shorter), oldest first. */
export function livePlaylistWindow(parts: TLivePart[], seconds = LIVE_WINDOW_SECONDS): TLivePart[] {
  let total = 0;
  let i = parts.length;
  while (i > 0 && total < seconds) total += parts[--i].duration;
  return parts.slice(i);
}

/**
 * An HLS media playlist (RFC 8216) of the manifest's newest parts. Session time travels in
 * EXT-X-PROGRAM-DATE-TIME: each part is stamped `startedAt + part.start`, so a player's position maps back
 * to session seconds as `(programDate − startedAt) / 1000` (hls.js `playingDate`, Safari `getStartDate()`),
 * whatever the player's own timeline is. EXT-X-DISCONTINUITY-SEQUENCE counts the discontinuities of the
 * manifest's parts up to the window's first, so it stays stable while the window slides.
 */
export function buildLivePlaylist(
  m: TLiveManifest,
  opts: { startedAt: Date; urlFor: (key: string) => string; windowSeconds?: number },
): string {
  const win = livePlaylistWindow(m.parts, opts.windowSeconds);
  const first = win[0];
  // The first part's own discontinuity (its predecessor has slid out) is counted, not tagged.
  const upToFirst = first ? m.parts.slice(1, m.parts.indexOf(first) + 1) : [];
  const discontinuitySeq = upToFirst.filter((p) => p.discontinuity).length;
  const target = Math.max(m.targetDuration, Math.ceil(Math.max(0, ...win.map((p) => p.duration))));
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    `#EXT-X-TARGETDURATION:${target}`,
    `#EXT-X-MEDIA-SEQUENCE:${first?.seq ?? 0}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${discontinuitySeq}`,
  ];
  win.forEach((p, i) => {
    if (p.discontinuity && i > 0) lines.push("#EXT-X-DISCONTINUITY");
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(opts.startedAt.getTime() + p.start * 1000).toISOString()}`);
    lines.push(`#EXTINF:${p.duration.toFixed(3)},`);
    lines.push(opts.urlFor(p.key));
  });
  if (m.ended) lines.push("#EXT-X-ENDLIST");
  return lines.join("\n") + "\n";
}
