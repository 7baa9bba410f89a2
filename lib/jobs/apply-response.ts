/**
 * The run state machine: how one answer of the app's serve endpoint changes a run. Pure: the clock
 * (`now`) and the retry delays (`backoff`) come in, log lines and the invokes to start go out, so it is
 * tested without HTTP or a database (apply-response.test.ts). The runner saves the state it returns.
 */
import type { THttpResult } from "./post-json";
import {
  MAX_WAIT_MS,
  Op,
  ZOutgoingOps,
  errMessage,
  headers as H,
  parseJson,
  retryAfterMs,
  sleepUntil,
  type TMemo,
  type TOutgoingOp,
  type TPendingOp,
} from "./protocol";

/** ~1 h of connection failures at the 30 s cap: the app is gone, give up. */
export const MAX_CONN_FAILURES = 120;

export type TRunState = {
  steps: Record<string, TMemo>;
  stack: string[];
  pending: Record<string, TPendingOp>;
  needsDiscovery: boolean;
  /** A retried discovery is not sent before this time (ms); not saved (a parked run's nextAt covers it). */
  discoveryNotBefore: number;
  attempt: number;
  connFailures: number;
};

/** An answer to a request; `planned` is the step the request addressed (undefined = discovery). */
export type TServeResponse = THttpResult & { planned?: string };

export type TApplyContext = { now: number; maxAttempts: number; backoff: (attempt: number) => number };

export type TOutcome =
  { kind: "continue" } | { kind: "completed"; output: unknown } | { kind: "failed"; error: Record<string, unknown> };

export type TApplied = {
  state: TRunState;
  outcome: TOutcome;
  /** InvokeFunction ops whose child runs the runner must create. */
  invokes: TOutgoingOp[];
  /** Lines to log, without the run's tag. */
  logs: string[];
};

const CONTINUE: TOutcome = { kind: "continue" };

/** Step `id` is done: memoized, on the stack, no longer pending; the SDK is asked what comes next. */
export function completeStep(state: TRunState, id: string, memo: TMemo): TRunState {
  const pending = { ...state.pending };
  delete pending[id];
  const stack = state.stack.includes(id) ? state.stack : [...state.stack, id];
  return { ...state, steps: { ...state.steps, [id]: memo }, stack, pending, needsDiscovery: true };
}

/**
 * Sends the request that produced a response again at `at`: the planned step it addressed, or discovery.
 * `attempt` is the attempt the retry makes (omitted for a connection failure, which costs no attempt).
 */
export function scheduleRetry(state: TRunState, planned: string | undefined, at: number, attempt?: number): TRunState {
  const p = planned ? state.pending[planned] : undefined;
  if (planned && p && p.op === Op.StepPlanned) {
    return {
      ...state,
      pending: { ...state.pending, [planned]: { ...p, attempt: attempt ?? p.attempt, notBefore: at } },
    };
  }
  return { ...state, attempt: attempt ?? state.attempt, needsDiscovery: true, discoveryNotBefore: at };
}

/** The attempt the request for `planned` (or discovery) was. */
function attemptOf(state: TRunState, planned: string | undefined): number {
  const p = planned ? state.pending[planned] : undefined;
  return p && p.op === Op.StepPlanned ? p.attempt : state.attempt;
}

type THeaders = Extract<THttpResult, { kind: "http" }>["headers"];
const givesUp = (hdrs: THeaders, next: number, ctx: TApplyContext) =>
  hdrs[H.noRetry] === "true" || next >= ctx.maxAttempts;
const retryDelay = (hdrs: THeaders, next: number, ctx: TApplyContext) =>
  retryAfterMs(String(hdrs[H.retryAfter] ?? ""), ctx.now) ?? ctx.backoff(next);

function errorFromBody(status: number, body: string): Record<string, unknown> {
  const parsed = parseJson(body);
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  return { name: "Error", message: `HTTP ${status}: ${body.slice(0, 500)}` };
}

/** Applies one response. `outcome` is terminal (completed / failed) or `continue`. */
export function applyResponse(state: TRunState, res: TServeResponse, ctx: TApplyContext): TApplied {
  const { planned } = res;
  const { now } = ctx;
  if (res.kind === "net") {
    const s = { ...state, connFailures: state.connFailures + 1 };
    if (s.connFailures > MAX_CONN_FAILURES)
      return failed(s, { name: "Error", message: `app unreachable: ${res.error}` });
    const delay = Math.min(30_000, ctx.backoff(s.connFailures));
    const quiet = s.connFailures > 3 && s.connFailures % 20 !== 0;
    const logs = quiet ? [] : [`app unreachable (${res.error}), retry in ${Math.round(delay)} ms`];
    return { state: scheduleRetry(s, planned, now + delay), outcome: CONTINUE, invokes: [], logs };
  }
  const s = { ...state, connFailures: 0 };
  if (res.status === 200 && !planned) {
    return { state: s, outcome: { kind: "completed", output: parseJson(res.body) ?? null }, invokes: [], logs: [] };
  }
  if (res.status === 206) {
    const ops = ZOutgoingOps.safeParse(parseJson(res.body));
    if (ops.success) return applyOps(s, ops.data, res.headers, planned, ctx);
  }
  // An error (or an unexpected answer): retry the request that produced it, or fail the run.
  const error = errorFromBody(res.status, res.body);
  const next = attemptOf(s, planned) + 1;
  if (givesUp(res.headers, next, ctx)) return failed(s, error);
  const delay = retryDelay(res.headers, next, ctx);
  const logs = [
    `attempt ${next}/${ctx.maxAttempts} in ${Math.round(delay)} ms after HTTP ${res.status}: ${errMessage(error)}`,
  ];
  return { state: scheduleRetry(s, planned, now + delay, next), outcome: CONTINUE, invokes: [], logs };
}

const failed = (state: TRunState, error: Record<string, unknown>): TApplied => ({
  state,
  outcome: { kind: "failed", error },
  invokes: [],
  logs: [],
});

const known = (s: TRunState, id: string) => Boolean(s.steps[id] || s.pending[id]);
const withPending = (s: TRunState, id: string, p: TPendingOp): TRunState => ({
  ...s,
  pending: { ...s.pending, [id]: p },
});

/** Applies the ops of a 206. */
function applyOps(
  state: TRunState,
  ops: TOutgoingOp[],
  hdrs: THeaders,
  planned: string | undefined,
  ctx: TApplyContext,
): TApplied {
  const { now } = ctx;
  let s = state;
  let progressed = false;
  const invokes: TOutgoingOp[] = [];
  const logs: string[] = [];
  for (const op of ops) {
    switch (op.op) {
      case Op.StepRun:
      case Op.Step:
        s = completeStep(s, op.id, { type: "data", data: op.data ?? null });
        progressed = true;
        break;
      case Op.StepFailed:
        s = completeStep(s, op.id, { type: "error", error: op.error ?? null });
        progressed = true;
        break;
      case Op.StepError: {
        const next = attemptOf(s, planned) + 1;
        if (givesUp(hdrs, next, ctx)) {
          s = completeStep(s, op.id, { type: "error", error: op.error ?? null }); // the SDK then throws it in the function
          progressed = true;
          break;
        }
        const delay = retryDelay(hdrs, next, ctx);
        const step = op.displayName ?? op.name ?? op.id;
        const retry = `retry in ${Math.round(delay)} ms: ${errMessage(op.error)}`;
        logs.push(`step "${step}" failed (attempt ${next}/${ctx.maxAttempts}), ${retry}`);
        s = scheduleRetry(s, planned, now + delay, next);
        break;
      }
      case Op.StepPlanned:
        if (!known(s, op.id)) s = withPending(s, op.id, { op: Op.StepPlanned, name: op.name, attempt: 0 });
        break;
      case Op.Sleep:
        // Keep an existing deadline: a rediscovered sleep reports its duration again, not its end.
        if (!known(s, op.id)) s = withPending(s, op.id, { op: Op.Sleep, until: sleepUntil(String(op.name), now) });
        break;
      case Op.WaitForEvent:
        if (!known(s, op.id)) {
          const o = (op.opts ?? {}) as { timeout?: string; if?: string | null };
          const until = o.timeout ? sleepUntil(o.timeout, now) : now + MAX_WAIT_MS;
          s = withPending(s, op.id, {
            op: Op.WaitForEvent,
            event: String(op.name),
            if: o.if ?? null,
            since: now,
            until,
          });
        }
        break;
      case Op.InvokeFunction:
        if (!known(s, op.id)) invokes.push(op); // the child run is created before saving
        break;
      case Op.RunComplete:
        return { state: s, outcome: { kind: "completed", output: op.data ?? null }, invokes, logs };
      case Op.DiscoveryRequest:
        s = { ...s, needsDiscovery: true };
        break;
      default: {
        const message = `step op ${op.op} ("${op.displayName ?? op.id}") is not supported by the embedded runner`;
        return { state: s, outcome: { kind: "failed", error: { name: "NonRetriableError", message } }, invokes, logs };
      }
    }
  }
  if (progressed && !planned) s = { ...s, attempt: 0 };
  return { state: s, outcome: CONTINUE, invokes, logs };
}
