import { decodeJwtClaims, viewerTokenKeeper, type TViewerToken } from "@/lib/pumpfun/client";
import { ZLivekitTokenResponse, type TLivekitRoomSource } from "@/lib/recorder/protocol";
import { SIGNATURE_HEADER, signRequest } from "@/lib/signing";
import type { TFrameSourceFactory, TLivekitRoom } from "./frame-source";
import { joinLivekitRoom } from "./livekit-frame-source";

/** Asks the app for a fresh viewer token of a session's room. */
export type TLivekitTokenRenewer = (sessionId: string) => Promise<TLivekitRoomSource>;

/** A LiveKit token's expiry (ms), from its `exp` claim; an unreadable one counts as expired (renewed at once). */
export function tokenExpiry(token: string): number {
  const exp = decodeJwtClaims(token)?.exp;
  return typeof exp === "number" ? exp * 1000 : 0;
}

const asViewerToken = (s: TLivekitRoomSource): TViewerToken => ({
  token: s.token,
  url: s.url,
  room: s.room,
  expiresAt: tokenExpiry(s.token),
});

/**
 * Rooms on the operator's LiveKit server (`livekit` sources): the app mints the hidden viewer token and sends
 * it with the start request (and with every active-session list); the recorder joins with it through the same
 * joinLivekitRoom as pump.fun rooms. Before a token runs out (2 minutes ahead, while a room is open, and on any
 * rejoin) a fresh one comes from the app (`renew`, a signed POST /api/recorder/livekit-token): a recording
 * can outlast any token's TTL, and the recorder never holds the API secret. Tokens are kept per session
 * (each session has its own identity in the room), and forgotten once expired with the room closed.
 */
export function livekitRoomFrameSources(
  renew: TLivekitTokenRenewer,
  opts: { firstFrameTimeoutMs?: number; refreshBeforeMs?: number } = {},
): TFrameSourceFactory<TLivekitRoom> & { keepers: Map<string, ReturnType<typeof viewerTokenKeeper>> } {
  const keepers = new Map<string, ReturnType<typeof viewerTokenKeeper>>();
  const open = new Map<string, number>();
  const client = { joinAsViewer: async (sessionId: string) => asViewerToken(await renew(sessionId)) };
  const factory = async (room: TLivekitRoom, log: (m: string) => void, signal?: AbortSignal) => {
    for (const [id, k] of keepers) {
      if (open.get(id) || (k.current?.expiresAt ?? 0) > Date.now()) continue;
      keepers.delete(id);
      open.delete(id);
    }
    if (signal?.aborted) throw new Error("stopped");
    const { sessionId } = room;
    const keeper =
      keepers.get(sessionId) ??
      viewerTokenKeeper(client, sessionId, opts.refreshBeforeMs ?? 120_000, asViewerToken(room));
    keepers.set(sessionId, keeper);
    const { token, url } = await keeper.get();
    open.set(sessionId, (open.get(sessionId) ?? 0) + 1);
    const release = () => open.set(sessionId, (open.get(sessionId) ?? 1) - 1);
    try {
      const frames = await joinLivekitRoom(
        { url, token, room: room.room, label: `livekit ${room.room}`, keepFresh: (e) => keeper.keepFresh(e) },
        log,
        signal,
        opts.firstFrameTimeoutMs ?? 30_000,
      );
      let released = false;
      const close = frames.close;
      frames.close = () => {
        if (!released) release();
        released = true;
        close();
      };
      return frames;
    } catch (err) {
      release();
      throw err;
    }
  };
  return Object.assign(factory, { keepers });
}

/** The app's token renewal endpoint, asked with a request signed by RECORDER_SECRET. */
export function appTokenRenewer(appUrl: string, secret: string, timeoutMs = 10_000): TLivekitTokenRenewer {
  return async (sessionId) => {
    const path = "/api/recorder/livekit-token";
    const body = JSON.stringify({ sessionId });
    const res = await fetch(new URL(path, appUrl), {
      method: "POST",
      headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signRequest(secret, "POST", path, body) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 200);
      try {
        message = (JSON.parse(text) as { error: { message: string } }).error.message;
      } catch {
        // not our error body: its first characters are the message
      }
      throw new Error(`the app refused a new LiveKit token (HTTP ${res.status}): ${message}`);
    }
    return ZLivekitTokenResponse.parse(JSON.parse(text)).source;
  };
}
