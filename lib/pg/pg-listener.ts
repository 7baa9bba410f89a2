/**
 * A LISTEN connection that survives database restarts: when the connection drops (PostgreSQL restarted, the
 * backend was terminated, the network blinked) it reconnects with exponential backoff (250 ms doubling to
 * 10 s), LISTENs on every channel again and calls `onReconnect`, so the owner can catch up on what it may have
 * missed while nobody listened (NOTIFY is not queued for absent listeners).
 */
import pg from "pg";

export type TPgListenerOptions = {
  connectionString: string;
  channels: string[];
  onNotification: (channel: string, payload: string | undefined) => void;
  /** After every reconnect that followed a lost connection (not after the first connect). */
  onReconnect?: () => void;
  log?: (msg: string) => void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
};

export class PgListener {
  private client: pg.Client | undefined;
  private closed = false;
  private everConnected = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;

  constructor(private readonly opts: TPgListenerOptions) {}

  /** True while a connection is up and LISTENing. */
  get connected(): boolean {
    return !!this.client;
  }

  /** Connects once; resolves whether or not that first attempt worked (it keeps retrying in the background). */
  start(): Promise<void> {
    if (this.client || this.closed || this.retryTimer) return this.connecting ?? Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.opts.connectionString });
    client.on("notification", (m) => this.opts.onNotification(m.channel, m.payload));
    client.on("error", () => {}); // until connected, the failure arrives through connect() / query()
    try {
      await client.connect();
      for (const ch of this.opts.channels) await client.query(`LISTEN "${ch.replace(/"/g, '""')}"`);
    } catch (err) {
      await client.end().catch(() => {});
      this.lost(client, err as Error);
      return;
    }
    client.on("error", (err) => this.lost(client, err));
    client.on("end", () => this.lost(client, new Error("connection ended")));
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.attempt = 0;
    const reconnected = this.everConnected;
    this.everConnected = true;
    if (reconnected) {
      this.opts.log?.(`LISTEN ${this.opts.channels.join(", ")} re-established`);
      this.opts.onReconnect?.();
    }
  }

  private lost(client: pg.Client, err: Error) {
    if (this.client && this.client !== client) return; // a stale client's late event
    if (this.client === client) this.client = undefined;
    client.removeAllListeners("end");
    client.on("error", () => {});
    if (this.closed || this.retryTimer) return;
    const base = this.opts.minBackoffMs ?? 250;
    const wait = Math.min(base * 2 ** this.attempt++, this.opts.maxBackoffMs ?? 10_000);
    this.opts.log?.(`LISTEN connection lost (${err.message}); reconnecting in ${wait} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.start();
    }, wait);
    this.retryTimer.unref?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.connecting;
    const c = this.client;
    this.client = undefined;
    if (c) {
      c.removeAllListeners("end");
      await c.end().catch(() => {});
    }
  }
}
