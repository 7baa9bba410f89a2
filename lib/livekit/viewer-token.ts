import { AccessToken } from "livekit-server-sdk";
import type { TLivekitRoomSource } from "@/lib/recorder/protocol";
import { requireLivekit } from "./clients";

/** How long a recorder viewer token is valid; the recorder asks for a fresh one 2 minutes before it runs out. */
export const VIEWER_TOKEN_TTL_SECONDS = 6 * 60 * 60;

/** The recorder's identity in a session's room: one per session, so two sessions of one room never collide. */
export const recorderIdentity = (sessionId: string) => `clipstream-recorder-${sessionId}`;

/** The WebSocket URL of the LiveKit server (LIVEKIT_URL may be given as https://, which the Twirp API uses). */
export const livekitWsUrl = (url: string) => url.replace(/^http(s?):\/\//i, "ws$1://");

/**
 * A `livekit` recorder source for a session's room: the WebSocket URL and a token signed with the API secret
 * that lets the recorder join the room as a hidden, subscribe-only participant (no publishing, no data
 * messages), valid VIEWER_TOKEN_TTL_SECONDS. The recorder never sees the API secret.
 */
export async function livekitViewerSource(sessionId: string, room: string): Promise<TLivekitRoomSource> {
  const c = requireLivekit();
  const at = new AccessToken(c.apiKey, c.apiSecret, {
    identity: recorderIdentity(sessionId),
    name: "Clipstream recorder",
    ttl: VIEWER_TOKEN_TTL_SECONDS,
  });
  at.addGrant({ room, roomJoin: true, canSubscribe: true, canPublish: false, canPublishData: false, hidden: true });
  return { kind: "livekit", url: livekitWsUrl(c.url), room, token: await at.toJwt() };
}
