import type { TActivityFeed, TActivityFeedOptions } from "@/lib/pumpfun/activity-feed";
import type { TActivitySecond } from "@/lib/recorder/protocol";
import type { TOutbox } from "./outbox";

export type TOpenActivityFeed = (opts: TActivityFeedOptions) => TActivityFeed;

export type TActivityCollectorDeps = {
  sessionId: string;
  mint: string;
  outbox: Pick<TOutbox, "enqueue">;
  log: (m: string) => void;
  openFeed: TOpenActivityFeed;
  /** Session seconds at wall-clock `ms`; null before the session's first frame. */
  sessionTime: (ms: number) => number | null;
  /** How often complete seconds are sent (ms). Default 5000, the live chunks' pace. */
  flushMs?: number;
};

/** Seconds kept open for late messages before they are sent. */
const SETTLE_SECONDS = 2;
/** Rows per `activity.batch` (the protocol's bound). */
const MAX_ROWS = 60;

/**
 * A pump.fun session's coin activity (decision 024): reads the coin's trades and chat (lib/pumpfun/activity-feed.ts),
 * counts them per session second, and every `flushMs` sends the complete seconds that had any as one
 * `activity.batch` through the outbox (ordered with the session's segments and chunks). A message for a second
 * already sent counts in the oldest open one. What is not sent when the recorder is killed is lost (it is a
 * signal, not the recording).
 */
export class ActivityCollector {
  private buckets = new Map<number, TActivitySecond>();
  private sentUpTo = -1;
  private feed: TActivityFeed | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private deps: TActivityCollectorDeps) {}

  start(): void {
    const { deps } = this;
    this.feed = deps.openFeed({
      mint: deps.mint,
      onTrade: (t) =>
        this.add(t.at, (b) => {
          b.trades++;
          if (t.side === "buy") b.buys++;
          b.netBuySol += t.side === "buy" ? t.sol : -t.sol;
          if (t.marketCap !== null) b.marketCap = t.marketCap;
        }),
      onChat: (c) => this.add(c.at, (b) => b.chat++),
      onStatus: (feed, status, detail) =>
        deps.log(`[${deps.sessionId}] pump.fun ${feed} feed ${status}${detail ? `: ${detail}` : ""}`),
    });
    this.timer = setInterval(() => this.flush(false), deps.flushMs ?? 5000);
    this.timer.unref();
  }

  /** Closes the feed and sends every second counted so far. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.feed?.close();
    this.feed = null;
    this.flush(true);
  }

  /** Recorder shutdown: close the feed and send nothing more. */
  async detach(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.feed?.close();
    this.feed = null;
  }

  private add(at: number, count: (b: TActivitySecond) => void) {
    const t = this.deps.sessionTime(at);
    if (t === null || t < 0) return;
    const second = Math.max(Math.floor(t), this.sentUpTo + 1);
    let b = this.buckets.get(second);
    if (!b) {
      b = { second, trades: 0, buys: 0, netBuySol: 0, marketCap: null, chat: 0 };
      this.buckets.set(second, b);
    }
    count(b);
  }

  private flush(all: boolean) {
    const now = this.deps.sessionTime(Date.now());
    const upTo = all ? Number.POSITIVE_INFINITY : now === null ? -1 : Math.floor(now) - SETTLE_SECONDS;
    const ready = [...this.buckets.values()].filter((b) => b.second <= upTo).sort((a, b) => a.second - b.second);
    if (!ready.length) return;
    for (const b of ready) this.buckets.delete(b.second);
    this.sentUpTo = Math.max(this.sentUpTo, ready.at(-1)!.second);
    for (let i = 0; i < ready.length; i += MAX_ROWS) {
      const seconds = ready
        .slice(i, i + MAX_ROWS)
        .map((b) => ({ ...b, netBuySol: Math.round(b.netBuySol * 1e6) / 1e6 }));
      this.deps.outbox.enqueue({ type: "activity.batch", sessionId: this.deps.sessionId, seconds });
    }
  }
}
