import { z } from "zod";
import { env } from "@/lib/env";

/**
 * The one client for pump.fun's unofficial livestream API (PUMPFUN_API_URL):
 * - `GET /livestream?mintId=<mint>` → the stream's state. An offline coin may answer 200 with an empty body,
 *   and `isLive` turns true before the streamer's frames reach the room, so "live" here means "worth joining".
 * - `POST /livestream/join` `{ mintId, viewer: true, hidden: true }` → `{ token }`, a LiveKit viewer JWT for
 *   the room named after the mint on PUMPFUN_LIVEKIT_URL, valid ~15 minutes.
 * Responses are zod-validated; every failure is a PumpfunError with a message fit for a user.
 */

export const ZPumpfunLivestream = z
  .object({
    mintId: z.string(),
    isLive: z.boolean(),
    numParticipants: z.number().int().nonnegative().optional(),
    streamStartTimestamp: z.number().nullable().optional(),
    thumbnail: z.string().nullable().optional(),
    mode: z.string().nullable().optional(),
  })
  .passthrough();
export type TPumpfunLivestream = z.infer<typeof ZPumpfunLivestream>;

export const ZPumpfunJoin = z.object({ token: z.string().min(1) }).passthrough();

export type TPumpfunStatus = { live: false } | { live: true; stream: TPumpfunLivestream };
export type TViewerToken = { token: string; url: string; room: string; expiresAt: number };

export class PumpfunError extends Error {
  constructor(
    message: string,
    public readonly status?: number,
  ) {
    super(message);
    this.name = "PumpfunError";
  }
}

export type TPumpfunClientOptions = { apiUrl?: string; livekitUrl?: string; timeoutMs?: number };

export function pumpfunClient(opts: TPumpfunClientOptions = {}) {
  const apiUrl = opts.apiUrl ?? env.PUMPFUN_API_URL;
  const livekitUrl = opts.livekitUrl ?? env.PUMPFUN_LIVEKIT_URL;
  const timeoutMs = opts.timeoutMs ?? 10_000;

  async function request(path: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
    let res: Response;
    try {
      res = await fetch(new URL(path, apiUrl), {
        ...init,
        headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timeout = (err as Error).name === "TimeoutError";
      throw new PumpfunError(timeout ? "pump.fun did not answer in time." : "pump.fun could not be reached.");
    }
    const text = await res.text();
    if (res.status === 429) throw new PumpfunError("pump.fun is rate limiting us; trying again later.", 429);
    if (res.status >= 500) throw new PumpfunError(`pump.fun is having trouble (HTTP ${res.status}).`, res.status);
    return { status: res.status, text };
  }

  function parseJson<T>(schema: z.ZodType<T>, text: string, what: string): T {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PumpfunError(`pump.fun sent an unreadable ${what} response.`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new PumpfunError(`pump.fun sent an unexpected ${what} response.`);
    return parsed.data;
  }

  /** Whether the coin's stream is on. An empty 200 body and a 404 both mean offline. */
  async function getLivestream(mint: string): Promise<TPumpfunStatus> {
    const { status, text } = await request(`/livestream?mintId=${encodeURIComponent(mint)}`);
    if (status === 404 || (status === 200 && text.trim() === "")) return { live: false };
    if (status !== 200) throw new PumpfunError(`pump.fun refused the stream lookup (HTTP ${status}).`, status);
    const stream = parseJson(ZPumpfunLivestream, text, "livestream");
    return stream.isLive ? { live: true, stream } : { live: false };
  }

  /** A hidden viewer's LiveKit token for the coin's room, with its expiry decoded from the JWT. */
  async function joinAsViewer(mint: string): Promise<TViewerToken> {
    const { status, text } = await request("/livestream/join", {
      method: "POST",
      body: JSON.stringify({ mintId: mint, viewer: true, hidden: true }),
    });
    if (status === 404) throw new PumpfunError("That pump.fun stream is not live.", 404);
    if (status < 200 || status >= 300)
      throw new PumpfunError(`pump.fun refused to let us watch (HTTP ${status}).`, status);
    const { token } = parseJson(ZPumpfunJoin, text, "join");
    const claims = decodeJwtClaims(token);
    if (!claims) throw new PumpfunError("pump.fun sent a viewer token we cannot read.");
    const room =
      typeof claims.video === "object" && claims.video && "room" in claims.video ? String(claims.video.room) : mint;
    const exp = typeof claims.exp === "number" ? claims.exp * 1000 : Date.now() + 10 * 60_000;
    return { token, url: livekitUrl, room, expiresAt: exp };
  }

  return { apiUrl, livekitUrl, getLivestream, joinAsViewer };
}
export type TPumpfunClient = ReturnType<typeof pumpfunClient>;

/** The payload of a JWT (no signature check: we only read our own token's expiry and room). */
export function decodeJwtClaims(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const claims = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return claims && typeof claims === "object" ? claims : null;
  } catch {
    return null;
  }
}

/**
 * Keeps a viewer token fresh: `get()` returns the current token, joining again once it is within
 * `refreshBeforeMs` of expiry (default 2 minutes, so a ~15-minute token is renewed at ~13); `keepFresh()`
 * does the same in the background while a room is open (recorder/livekit-frame-source.ts). `initial` is a
 * token already at hand (the one the app sent with an operator's LiveKit room: livekit-room-frame-source.ts).
 */
export function viewerTokenKeeper(
  client: Pick<TPumpfunClient, "joinAsViewer">,
  mint: string,
  refreshBeforeMs = 120_000,
  initial: TViewerToken | null = null,
) {
  let current: TViewerToken | null = initial;
  let pending: Promise<TViewerToken> | null = null;
  return {
    get current() {
      return current;
    },
    needsRefresh(now = Date.now()) {
      return !current || current.expiresAt - now <= refreshBeforeMs;
    },
    get,
    /**
     * Renews the token in the background `refreshBeforeMs` ahead of each expiry (a failed renewal is retried
     * every `retryMs`) until the returned function is called, so a rejoin never waits on, or fails with, a
     * stale token.
     */
    keepFresh(onError: (err: Error) => void, retryMs = 5_000): () => void {
      let timer: NodeJS.Timeout | null = null;
      let stopped = false;
      const schedule = (delay: number) => {
        if (stopped) return;
        timer = setTimeout(() => {
          renew().then(
            () => schedule(nextDelay()),
            (err: Error) => {
              onError(err);
              schedule(retryMs);
            },
          );
        }, delay);
        timer.unref();
      };
      const nextDelay = () => (current ? Math.max(1_000, current.expiresAt - refreshBeforeMs - Date.now()) : 0);
      schedule(nextDelay());
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
      };
    },
  };

  async function get(now = Date.now()): Promise<TViewerToken> {
    if (current && current.expiresAt - now > refreshBeforeMs) return current;
    return renew();
  }
  async function renew(): Promise<TViewerToken> {
    pending ??= client.joinAsViewer(mint).finally(() => (pending = null));
    current = await pending;
    return current;
  }
}
