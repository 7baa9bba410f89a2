/**
 * One run, while this runner holds its lease: requests to the app's serve endpoint until the run ends or
 * has to wait (then it is parked: saved without a lease, due at its next sleep / retry). What each answer
 * does to the run is applyResponse (pure); this class does the I/O around it.
 */
import { JobRunStatus, Prisma, type JobRun } from "@/generated/prisma/client";
import { applyResponse, completeStep, type TOutcome, type TRunState, type TServeResponse } from "./apply-response";
import { recheckParkedWaits, settleExternalWaits, startInvokes, wakeInvoker } from "./external-waits";
import { postJson, type THttpResult } from "./post-json";
import {
  DISCOVERY_STEP_ID,
  FUNCTION_FAILED_EVENT,
  Op,
  errMessage,
  type TExecRequest,
  type TMemo,
  type TOutgoingOp,
  type TPendingOp,
  type TRunEvent,
} from "./protocol";
import { finishRun, log, saveRun } from "./store";

export type TFunctionWithApp = Prisma.JobFunctionGetPayload<{ include: { app: true } }>;

/** What a run needs from the scheduler that runs it. */
export type TRunHost = {
  signingSecret: string;
  leaseMs: number;
  backoff(attempt: number): number;
  lookupFunction(id: string): Promise<TFunctionWithApp | null>;
  isStopping(): boolean;
  /** True once the lease heartbeat (or a save) found another runner holding the run. */
  isLost(token: string): boolean;
  markLost(token: string): void;
  /** Aborted when the lease is lost, or can no longer be renewed before it runs out: in-flight requests stop. */
  signal(token: string): AbortSignal | undefined;
  pump(): void;
};

type TEnd = Exclude<TOutcome, { kind: "continue" }>;
type TPlanned = Extract<TPendingOp, { op: "StepPlanned" }>;

export class RunExecution {
  private state: TRunState;
  private readonly event: TRunEvent;
  private readonly tag: string;
  private readonly t0: number;
  private fn: TFunctionWithApp | null = null;

  constructor(
    private readonly row: JobRun,
    private readonly token: string,
    private readonly host: TRunHost,
  ) {
    this.event = row.event as unknown as TRunEvent;
    this.state = {
      steps: { ...(row.steps as Record<string, TMemo>) },
      stack: [...row.stack],
      pending: { ...(row.pending as Record<string, TPendingOp>) },
      needsDiscovery: row.needsDiscovery,
      discoveryNotBefore: 0,
      attempt: row.attempt,
      connFailures: row.connFailures,
    };
    this.tag = `run ${row.id.slice(0, 8)} ${row.functionId}`;
    this.t0 = (row.startedAt ?? new Date()).getTime();
  }

  async execute(): Promise<void> {
    const { row } = this;
    this.fn = await this.host.lookupFunction(row.functionId);
    if (!this.fn) {
      return this.finish({
        kind: "failed",
        error: { name: "Error", message: `function ${row.functionId} is not registered` },
      });
    }
    if (!row.stack.length && row.attempt === 0 && !Object.keys(this.state.pending).length && row.needsDiscovery) {
      log(`${this.tag} started (${this.event.name})`);
    }
    while (true) {
      if (this.host.isLost(this.token)) return log(`${this.tag} lease lost; another runner took over`);
      const now = Date.now();
      for (const [id, p] of Object.entries(this.state.pending)) {
        if (p.op === Op.Sleep && p.until <= now)
          this.state = completeStep(this.state, id, { type: "data", data: null });
      }
      this.state = await settleExternalWaits(this.state, this.event);
      const ready = Object.entries(this.state.pending).filter(
        (e): e is [string, TPlanned] => e[1].op === Op.StepPlanned && (e[1].notBefore ?? 0) <= now,
      );
      const discover = this.state.needsDiscovery && this.state.discoveryNotBefore <= now;
      if (this.host.isStopping() || (!ready.length && !discover)) return this.park(now);

      const outcome = await this.send(ready);
      if (this.host.isLost(this.token)) continue;
      if (outcome.kind !== "continue") return this.finish(outcome);
      const leaseUntil = new Date(Date.now() + this.host.leaseMs);
      const renewed = await saveRun(row.id, this.token, { ...this.saved(), leaseUntil });
      if (!renewed) this.host.markLost(this.token);
    }
  }

  /** Requests the ready planned steps in parallel, or discovery; applies the answers in order. */
  private async send(ready: [string, TPlanned][]): Promise<TOutcome> {
    let outcome: TOutcome = { kind: "continue" };
    const invokes: TOutgoingOp[] = [];
    if (ready.length) {
      const results = await Promise.all(ready.map(([id, p]) => this.request(id, p.attempt)));
      for (const [i, res] of results.entries()) {
        if (outcome.kind !== "continue") break; // the run ended: later answers change nothing
        outcome = this.apply({ ...res, planned: ready[i][0] }, invokes);
      }
    } else {
      this.state = { ...this.state, needsDiscovery: false };
      outcome = this.apply(await this.request(DISCOVERY_STEP_ID, this.state.attempt), invokes);
    }
    this.state = await startInvokes(this.state, this.row.id, invokes, this.tag);
    return outcome;
  }

  private apply(res: TServeResponse, invokes: TOutgoingOp[]): TOutcome {
    const ctx = { now: Date.now(), maxAttempts: this.row.maxAttempts, backoff: this.host.backoff };
    const applied = applyResponse(this.state, res, ctx);
    this.state = applied.state;
    invokes.push(...applied.invokes);
    for (const line of applied.logs) log(`${this.tag} ${line}`);
    return applied.outcome;
  }

  private request(stepId: string, attempt: number): Promise<THttpResult> {
    const { row, state } = this;
    const url = new URL(this.fn!.app.url);
    url.searchParams.set("fnId", row.functionId);
    url.searchParams.set("stepId", stepId);
    const body: TExecRequest = {
      event: this.event,
      events: [this.event],
      steps: state.steps,
      ctx: {
        run_id: row.id,
        attempt,
        max_attempts: row.maxAttempts,
        // A planned step is addressed by stepId; discovery may run a lone new step inline.
        disable_immediate_execution: stepId !== DISCOVERY_STEP_ID,
        use_api: false,
        stack: { stack: state.stack, current: state.stack.length },
      },
    };
    return postJson(url, JSON.stringify(body), this.host.signingSecret, this.host.signal(this.token));
  }

  /** Parks until the earliest sleep / retry, releasing the lease (and the concurrency slot). */
  private async park(now: number): Promise<void> {
    const { pending } = this.state;
    const wakes = Object.values(pending).map((p) => (p.op === Op.StepPlanned ? (p.notBefore ?? now) : p.until));
    if (this.state.needsDiscovery) wakes.push(this.state.discoveryNotBefore);
    if (!wakes.length) this.state = { ...this.state, needsDiscovery: true }; // nothing pending yet not done: ask the SDK again
    const wake = wakes.length ? Math.max(now, Math.min(...wakes)) : now;
    const parked = await saveRun(this.row.id, this.token, {
      ...this.saved(),
      status: wake > now ? JobRunStatus.SLEEPING : JobRunStatus.QUEUED,
      nextAt: new Date(wake),
      leaseOwner: null,
      leaseUntil: null,
    });
    if (parked && wake > now && (await recheckParkedWaits(this.row.id, pending, this.event))) this.host.pump();
  }

  private async finish(end: TEnd): Promise<void> {
    const { row, event, tag } = this;
    // The SDK serves onFailure as a separate function triggered by this event (InngestFunction.getConfig);
    // it is stored with the FAILED status, in one transaction.
    const failedEvent =
      end.kind === "failed"
        ? {
            name: FUNCTION_FAILED_EVENT,
            id: `failed-${row.id}`,
            data: { function_id: row.functionId, run_id: row.id, error: end.error, event },
          }
        : null;
    const ok = await finishRun(
      row.id,
      this.token,
      {
        ...this.saved(),
        status: end.kind === "completed" ? JobRunStatus.COMPLETED : JobRunStatus.FAILED,
        output: end.kind === "completed" ? ((end.output ?? Prisma.JsonNull) as Prisma.InputJsonValue) : undefined,
        error: end.kind === "failed" ? (end.error as Prisma.InputJsonValue) : undefined,
        endedAt: new Date(),
        leaseOwner: null,
        leaseUntil: null,
      },
      failedEvent,
    );
    if (!ok) return;
    await wakeInvoker(row.id, event);
    const took = `${Date.now() - this.t0} ms`;
    if (end.kind === "completed") return log(`${tag} completed in ${took} (${this.state.stack.length} steps)`);
    log(`${tag} FAILED after ${took}: ${errMessage(end.error)}`);
  }

  /** The run's state as saved after every response. */
  private saved(): Prisma.JobRunUpdateManyMutationInput {
    const { steps, stack, pending, needsDiscovery, attempt, connFailures } = this.state;
    return {
      steps: steps as Prisma.InputJsonValue,
      stack,
      pending: pending as Prisma.InputJsonValue,
      needsDiscovery,
      attempt,
      connFailures,
    };
  }
}
