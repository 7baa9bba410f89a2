/**
 * Claims due runs until none is left or this runner is full, executes each (RunExecution), keeps their
 * leases alive, and wakes on NOTIFY from any runner or ingest, at the next due sleep / retry / cron, or on
 * the poll as the fallback.
 */
import { randomUUID } from "node:crypto";
import type { JobRun } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { PgListener } from "@/lib/pg/pg-listener";
import { RunExecution, type TFunctionWithApp, type TRunHost } from "./run-execution";
import { NOTIFY_CHANNEL, claimRun, fireDueCrons, log, nextDueAt, notify } from "./store";

export type TSchedulerOptions = {
  workerId: string;
  pollMs: number;
  backoffBaseMs: number;
  leaseMs: number;
  maxConcurrentRuns: number;
  signingSecret: string;
};

export class Scheduler {
  private stopping = false;
  /** Runs this process holds: lease token → loop promise. */
  private readonly active = new Map<string, Promise<void>>();
  private readonly lost = new Set<string>();
  /** Per run held: until when its lease is known to be ours, and the abort of its in-flight requests. */
  private readonly leases = new Map<string, { until: number; abort: AbortController }>();
  private readonly timers: NodeJS.Timeout[] = [];
  private dueTimer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  /** Crons are checked on poll ticks and timed wake-ups, not on every event (keeps the hot path short). */
  private checkCrons = true;
  private finished = 0;
  /** Function + app URL, cached briefly: every request of every run needs them. */
  private readonly fnCache = new Map<string, { at: number; fn: Promise<TFunctionWithApp | null> }>();
  private listener: PgListener | undefined;
  private readonly host: TRunHost;

  constructor(private readonly opts: TSchedulerOptions) {
    this.host = {
      signingSecret: opts.signingSecret,
      leaseMs: opts.leaseMs,
      backoff: (attempt) => {
        const ms = opts.backoffBaseMs * 2 ** Math.max(0, attempt - 1);
        return Math.min(ms * (0.9 + Math.random() * 0.2), 10 * 60 * 1000);
      },
      lookupFunction: (id) => this.lookupFunction(id),
      isStopping: () => this.stopping,
      isLost: (token) => this.lost.has(token),
      markLost: (token) => this.lose(token),
      signal: (token) => this.leases.get(token)?.abort.signal,
      pump: () => void this.pump(),
    };
  }

  get activeRuns(): number {
    return this.active.size;
  }

  get runsHandled(): number {
    return this.finished;
  }

  pump(opts: { crons?: boolean } = {}): Promise<void> {
    if (this.stopping) return Promise.resolve();
    if (opts.crons) this.checkCrons = true;
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = this.pumpLoop().finally(() => {
      this.pumping = undefined;
    });
    return this.pumping;
  }

  private async pumpLoop(): Promise<void> {
    try {
      do {
        this.pumpAgain = false;
        if (this.checkCrons) {
          this.checkCrons = false;
          await fireDueCrons();
        }
        while (!this.stopping && this.active.size < this.opts.maxConcurrentRuns) {
          const token = `${this.opts.workerId}:${randomUUID()}`;
          const row = await claimRun(token, this.opts.leaseMs);
          if (!row) break;
          this.start(row, token);
        }
        await this.armDueTimer();
      } while (this.pumpAgain && !this.stopping);
    } catch (err) {
      if (!this.stopping) log(`scheduler error: ${(err as Error).message}`);
    }
  }

  private start(row: JobRun, token: string) {
    this.leases.set(token, { until: Date.now() + this.opts.leaseMs, abort: new AbortController() });
    const loop = new RunExecution(row, token, this.host)
      .execute()
      .catch((err) => log(`run ${row.id.slice(0, 8)} ${row.functionId} crashed in the runner: ${(err as Error).stack}`))
      .finally(() => {
        this.finished++;
        this.active.delete(token);
        this.lost.delete(token);
        this.leases.delete(token);
        void notify().catch(() => {}); // a concurrency slot may have freed up for other runners
        void this.pump();
      });
    this.active.set(token, loop);
  }

  /** Wakes exactly when the next sleep/retry/cron is due, if that is sooner than the poll. */
  private async armDueTimer() {
    const due = await nextDueAt();
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueTimer = undefined;
    if (due && !this.stopping) {
      const wait = due.getTime() - Date.now();
      if (wait < this.opts.pollMs)
        this.dueTimer = setTimeout(() => void this.pump({ crons: true }), Math.max(0, wait) + 5);
    }
  }

  private lookupFunction(id: string): Promise<TFunctionWithApp | null> {
    const hit = this.fnCache.get(id);
    if (hit && Date.now() - hit.at < 5000) return hit.fn;
    const fn = prisma.jobFunction.findUnique({ where: { id }, include: { app: true } });
    this.fnCache.set(id, { at: Date.now(), fn });
    fn.catch(() => this.fnCache.delete(id));
    return fn;
  }

  /** The app (re-)registered its functions. */
  forgetFunctions() {
    this.fnCache.clear();
  }

  /** The run is another runner's now (or may be soon): stop its requests; its results will not be saved. */
  private lose(token: string) {
    if (!this.active.has(token) || this.lost.has(token)) return;
    this.lost.add(token);
    this.leases.get(token)?.abort.abort();
  }

  /**
   * Renews the lease of every run this runner holds, every third of the lease. A run found held by another
   * runner is lost; so is one whose renewals kept failing (database unreachable) until its lease is about to
   * run out, since another runner may take it then: its in-flight step request is aborted rather than left to
   * run alongside the other runner's.
   */
  startHeartbeat() {
    const { leaseMs } = this.opts;
    const tick = Math.max(50, Math.floor(leaseMs / 3));
    const renew = () => {
      for (const token of this.active.keys()) {
        const until = Date.now() + leaseMs;
        void prisma.jobRun
          .updateMany({ where: { leaseOwner: token }, data: { leaseUntil: new Date(until) } })
          .then((r) => {
            if (r.count === 0) return this.lose(token);
            const lease = this.leases.get(token);
            if (lease) lease.until = until;
          })
          .catch((err: Error) => {
            const lease = this.leases.get(token);
            if (lease && Date.now() + tick >= lease.until) {
              log(`lease of ${token} not renewed (${err.message}); aborting its step before it expires`);
              this.lose(token);
            }
          });
      }
    };
    this.timers.push(setInterval(renew, tick));
  }

  /**
   * Wake-ups: NOTIFY from any runner/ingest, plus polling as the fallback. The LISTEN connection reconnects
   * after a database restart (PgListener) and pumps at once then, for what was announced while it was down.
   */
  async listen() {
    const { pollMs } = this.opts;
    this.listener = new PgListener({
      connectionString: process.env.DATABASE_URL ?? "",
      channels: [NOTIFY_CHANNEL],
      onNotification: () => void this.pump(),
      onReconnect: () => void this.pump({ crons: true }),
      log: (msg) => {
        if (!this.stopping) log(msg);
      },
    });
    await this.listener.start();
    this.timers.push(setInterval(() => void this.pump({ crons: true }), pollMs));
  }

  /** True while the NOTIFY wake-up connection is up (tests). */
  get listening(): boolean {
    return !!this.listener?.connected;
  }

  /** Stops claiming; in-flight requests finish and park their runs (they may still send events to us). */
  async drain() {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    if (this.dueTimer) clearTimeout(this.dueTimer);
    await this.pumping;
    await Promise.allSettled(this.active.values());
  }

  async close() {
    await this.listener?.close();
    await notify().catch(() => {}); // parked runs are due now: let another runner take them
  }
}
