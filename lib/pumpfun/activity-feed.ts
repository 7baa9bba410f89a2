import { wsconnect, type NatsConnection } from "@nats-io/nats-core";
import { io, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { z } from "zod";
import { env } from "@/lib/env";

/**
 * The one client for a pump.fun coin's public activity: its trades and its live chat, read the way pump.fun's
 * own page reads them (decision 024 has where each shape comes from).
 *
 * - Trades: pump.fun's realtime NATS cluster over WebSocket (PUMPFUN_TRADES_URL, the "UNIFIED" cluster), subject
 *   `unifiedTradeEvent.processed.<mint>`, the per-coin subject a coin page subscribes to. Each message is one
 *   trade, JSON (sometimes wrapped once more as a JSON string): `{ tx, mintAddress, type: "buy" | "sell",
 *   amountSol, amountUsd, marketCap, marketCapUsd, priceSol, timestamp, userAddress, slotIndexId, … }`, numbers
 *   as numbers or decimal strings. The cluster wants the subscribe-only user pump.fun's page connects with.
 * - Chat: pump.fun's livechat socket.io v4 server (PUMPFUN_CHAT_URL): `joinRoom { roomId: <mint>, username }`,
 *   then a `newMessage` event per message: `{ id, roomId, message, username, userAddress, timestamp,
 *   messageType, isCreator, isModerator, … }`. Reading needs no account.
 *
 * Both reconnect on drops with a growing pause (1 s doubling to 30 s, jittered), and the chat joins its room
 * again on every connect. Messages that fail their schema are counted and skipped, never thrown.
 */

/** A number, or a decimal string of one. */
const ZNum = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i)]).transform(Number);

export const ZUnifiedTrade = z
  .object({
    tx: z.string().min(1),
    mintAddress: z.string().min(1),
    type: z.string().transform((t) => t.toLowerCase()),
    amountSol: ZNum,
    marketCap: ZNum.optional(),
    marketCapUsd: ZNum.optional(),
    timestamp: z.union([z.string(), z.number()]).optional(),
  })
  .passthrough();

export const ZLivechatMessage = z
  .object({
    id: z.string().min(1),
    roomId: z.string().min(1),
    message: z.string(),
    username: z.string().nullish(),
    timestamp: z.union([z.string(), z.number()]).optional(),
  })
  .passthrough();

export type TPumpTrade = {
  /** Wall-clock time the trade reached us (ms). */
  at: number;
  tx: string;
  side: "buy" | "sell";
  sol: number;
  /** Market cap after the trade in USD (or pump.fun's native figure when USD is absent); null when not sent. */
  marketCap: number | null;
};
export type TPumpChat = { at: number; id: string };
export type TFeedName = "trades" | "chat";

export type TActivityFeedOptions = {
  mint: string;
  onTrade: (t: TPumpTrade) => void;
  onChat: (c: TPumpChat) => void;
  /** Connection changes, for logs: "connected", "disconnected", "unavailable" (not configured). */
  onStatus?: (feed: TFeedName, status: "connected" | "disconnected" | "unavailable", detail?: string) => void;
  tradesUrl?: string;
  tradesUser?: string;
  /** Without it the trade feed is not opened ("unavailable"). */
  tradesPass?: string;
  chatUrl?: string;
  /** First pause before reconnecting (ms, default 1000); doubles up to `maxReconnectMs` (default 30 s). */
  minReconnectMs?: number;
  maxReconnectMs?: number;
};

export type TActivityFeed = {
  /** Messages skipped because they did not match the shapes above. */
  readonly skipped: number;
  close(): Promise<void>;
};

/** A trade message's payload: JSON, possibly wrapped as a JSON string (once or more). */
export function decodeTradePayload(text: string): unknown {
  let v: unknown = JSON.parse(text);
  for (let i = 0; i < 3 && typeof v === "string"; i++) v = JSON.parse(v);
  return v;
}

/** The trade in a NATS message, or null when it is not one of `mint`'s trades. */
export function parseTrade(payload: unknown, mint: string, at: number): TPumpTrade | null {
  const t = ZUnifiedTrade.safeParse(payload);
  if (!t.success || t.data.mintAddress !== mint || (t.data.type !== "buy" && t.data.type !== "sell")) return null;
  const cap = t.data.marketCapUsd ?? t.data.marketCap;
  return {
    at,
    tx: t.data.tx,
    side: t.data.type,
    sol: Math.abs(t.data.amountSol),
    marketCap: cap !== undefined && Number.isFinite(cap) ? cap : null,
  };
}

function backoff(min: number, max: number) {
  let attempt = 0;
  return {
    next() {
      const base = Math.min(max, min * 2 ** attempt++);
      return Math.round(base * (0.75 + Math.random() * 0.5));
    },
    reset() {
      attempt = 0;
    },
  };
}

/** Opens both feeds of `mint`; they run (and reconnect) until `close()`. */
export function openActivityFeed(opts: TActivityFeedOptions): TActivityFeed {
  const min = opts.minReconnectMs ?? 1000;
  const max = opts.maxReconnectMs ?? 30_000;
  let skipped = 0;
  const skip = () => void skipped++;
  const trades = openTrades(opts, min, max, skip);
  const chat = openChat(opts, min, max, skip);
  return {
    get skipped() {
      return skipped;
    },
    async close() {
      await Promise.all([trades.close(), chat.close()]);
    },
  };
}

function openTrades(opts: TActivityFeedOptions, min: number, max: number, skip: () => void) {
  const pass = opts.tradesPass ?? env.PUMPFUN_TRADES_PASS;
  if (!pass) {
    opts.onStatus?.("trades", "unavailable", "PUMPFUN_TRADES_PASS is not set");
    return { close: async () => {} };
  }
  const url = opts.tradesUrl ?? env.PUMPFUN_TRADES_URL;
  const delay = backoff(min, max);
  let closed = false;
  let nc: NatsConnection | null = null;
  const subject = `unifiedTradeEvent.processed.${opts.mint}`;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      wake = () => (clearTimeout(t), r());
    });
  const connect = () =>
    wsconnect({
      servers: url,
      user: opts.tradesUser ?? env.PUMPFUN_TRADES_USER,
      pass,
      name: "clipstream-recorder",
      maxReconnectAttempts: -1,
      reconnectDelayHandler: () => delay.next(),
      // Node 20 has no global WebSocket: the `ws` package, with the Origin pump.fun's page connects from.
      wsFactory: async (u: string) => ({
        socket: new WebSocket(u, { headers: { origin: "https://pump.fun" } }) as unknown as globalThis.WebSocket,
        encrypted: u.startsWith("wss:"),
      }),
    });

  async function run() {
    // The first connection is retried here (with the same backoff) so that close() can stop it; after that the
    // client reconnects and resubscribes by itself.
    while (!closed && !nc) {
      try {
        nc = await connect();
      } catch (err) {
        opts.onStatus?.("trades", "disconnected", (err as Error).message);
        await pause(delay.next());
      }
    }
    const conn = nc as NatsConnection | null;
    if (!conn) return;
    if (closed) return void (await conn.close());
    delay.reset();
    opts.onStatus?.("trades", "connected");
    void (async () => {
      for await (const s of conn.status()) {
        if (s.type === "reconnect") {
          delay.reset();
          opts.onStatus?.("trades", "connected");
        } else if (s.type === "disconnect") opts.onStatus?.("trades", "disconnected", String(s.server ?? ""));
      }
    })();
    for await (const m of conn.subscribe(subject)) {
      let trade: TPumpTrade | null = null;
      try {
        trade = parseTrade(decodeTradePayload(m.string()), opts.mint, Date.now());
      } catch {
        trade = null;
      }
      if (trade) opts.onTrade(trade);
      else skip();
    }
  }
  run().catch((err: Error) => opts.onStatus?.("trades", "disconnected", err.message));
  return {
    async close() {
      closed = true;
      (wake as (() => void) | null)?.();
      await (nc as NatsConnection | null)?.close().catch(() => {});
    },
  };
}

function openChat(opts: TActivityFeedOptions, min: number, max: number, skip: () => void) {
  const url = opts.chatUrl ?? env.PUMPFUN_CHAT_URL;
  const socket: Socket = io(url, {
    transports: ["websocket"],
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: min,
    reconnectionDelayMax: max,
    randomizationFactor: 0.25,
    extraHeaders: { origin: "https://pump.fun" },
  });
  socket.on("connect", () => {
    delay.reset();
    socket.emit("joinRoom", { roomId: opts.mint, username: "" });
    opts.onStatus?.("chat", "connected");
  });
  let retry: NodeJS.Timeout | null = null;
  const delay = backoff(min, max);
  socket.on("disconnect", (reason) => {
    opts.onStatus?.("chat", "disconnected", reason);
    // socket.io reconnects by itself after a drop, but not when the server closed the socket: do it here.
    if (reason === "io server disconnect") retry = setTimeout(() => socket.connect(), delay.next());
  });
  socket.on("connect_error", (err) => opts.onStatus?.("chat", "disconnected", err.message));
  socket.on("newMessage", (raw: unknown) => {
    const m = ZLivechatMessage.safeParse(raw);
    if (!m.success || m.data.roomId !== opts.mint) return skip();
    opts.onChat({ at: Date.now(), id: m.data.id });
  });
  return {
    async close() {
      if (retry) clearTimeout(retry);
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
