import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { liveEdgeOf } from "@/lib/live-edge/manifest";
import { mediaUrl } from "@/lib/media-url";
import { getLiveBuffer } from "@/lib/live-view/live-buffer";
import { buildLivePlaylist } from "@/lib/live-view/live-playlist";

/**
 * The session's live buffer as an HLS media playlist (a sliding window of the newest ~30 s of parts, each a
 * signed /api/media URL); never cached. X-Live-Edge carries the edge in session seconds.
 */
export const GET = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  const { session, manifest } = await getLiveBuffer(user.id, id);
  const body = buildLivePlaylist(manifest, { startedAt: session.startedAt, urlFor: (key) => mediaUrl(key)! });
  return new Response(body, {
    headers: {
      "content-type": "application/vnd.apple.mpegurl",
      "cache-control": "no-store",
      "x-live-edge": String(liveEdgeOf(manifest)),
    },
  });
});
