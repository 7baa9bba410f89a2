import { EgressClient, IngressClient, RoomServiceClient } from "livekit-server-sdk";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";

export type TLivekitConfig = { url: string; apiKey: string; apiSecret: string };

/** The operator's LiveKit server (LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET), or null when unset. */
export function livekitConfig(): TLivekitConfig | null {
  if (!env.LIVEKIT_URL || !env.LIVEKIT_API_KEY || !env.LIVEKIT_API_SECRET) return null;
  return { url: env.LIVEKIT_URL, apiKey: env.LIVEKIT_API_KEY, apiSecret: env.LIVEKIT_API_SECRET };
}

export function requireLivekit(): TLivekitConfig {
  const c = livekitConfig();
  if (!c)
    throw new AppError(
      "unavailable",
      "LiveKit is not configured on this server (LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET).",
    );
  return c;
}

/** Twirp clients of the LiveKit server API; the SDK signs each call with a short-lived access token. */
export const egressClient = () => {
  const c = requireLivekit();
  return new EgressClient(c.url, c.apiKey, c.apiSecret);
};
export const ingressClient = () => {
  const c = requireLivekit();
  return new IngressClient(c.url, c.apiKey, c.apiSecret);
};
export const roomClient = () => {
  const c = requireLivekit();
  return new RoomServiceClient(c.url, c.apiKey, c.apiSecret);
};
