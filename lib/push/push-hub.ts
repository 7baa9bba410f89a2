import "server-only";
import { PgListener } from "@/lib/pg/pg-listener";
import { PUSH_CHANNEL, ZPushEvent, type TPushEvent } from "./push-event";

export type TPushSubscriber = {
  onEvent: (e: TPushEvent) => void;
  /** The LISTEN connection came back after a loss: events may have been missed, refetch everything. */
  onResync: () => void;
};

/**
 * One LISTEN connection per process, fanned out to the subscribers of each user (their open SSE streams).
 * Connects on the first subscriber; stays up for the life of the process.
 */
export class PushHub {
  private readonly byUser = new Map<string, Set<TPushSubscriber>>();
  private listener: PgListener | undefined;

  constructor(private readonly connectionString: () => string) {}

  /** Open subscriptions of a user (the per-user stream cap counts these). */
  count(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** Subscribes; resolves once LISTEN is up (or its first attempt failed: polling covers the gap). */
  async subscribe(userId: string, sub: TPushSubscriber): Promise<() => void> {
    let subs = this.byUser.get(userId);
    if (!subs) this.byUser.set(userId, (subs = new Set()));
    subs.add(sub);
    this.listener ??= new PgListener({
      connectionString: this.connectionString(),
      channels: [PUSH_CHANNEL],
      onNotification: (_ch, payload) => this.dispatch(payload),
      onReconnect: () => this.resyncAll(),
      log: (msg) => console.log(`[push] ${msg}`),
    });
    await this.listener.start();
    return () => {
      subs.delete(sub);
      if (!subs.size && this.byUser.get(userId) === subs) this.byUser.delete(userId);
    };
  }

  private dispatch(payload: string | undefined) {
    let event: TPushEvent;
    try {
      event = ZPushEvent.parse(JSON.parse(payload ?? ""));
    } catch {
      return;
    }
    for (const sub of this.byUser.get(event.userId) ?? []) sub.onEvent(event);
  }

  private resyncAll() {
    for (const subs of this.byUser.values()) for (const sub of subs) sub.onResync();
  }

  async close(): Promise<void> {
    await this.listener?.close();
    this.listener = undefined;
  }
}
