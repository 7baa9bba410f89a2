/**
 * The runner's side of step.waitForEvent and step.invoke (waits settled by something outside the run: an
 * event, another run). The rows they read and write are in store.ts (settleWaits, createChildRun,
 * wakeWaiters); no function in inngest/ uses them yet, lib/jobs/runner.test.ts does.
 */
import { prisma } from "@/lib/db";
import { completeStep, type TRunState } from "./apply-response";
import {
  FUNCTION_INVOKED_EVENT,
  MAX_WAIT_MS,
  Op,
  isExternalWait,
  sleepUntil,
  type TOutgoingOp,
  type TPendingOp,
  type TRunEvent,
} from "./protocol";
import { createChildRun, log, settleWaits, wakeWaiters } from "./store";

/** Creates the child runs of InvokeFunction ops and returns the state that waits for them (or has their error). */
export async function startInvokes(
  state: TRunState,
  runId: string,
  ops: TOutgoingOp[],
  tag: string,
): Promise<TRunState> {
  let s = state;
  for (const op of ops) {
    const o = (op.opts ?? {}) as {
      function_id?: string;
      payload?: { data?: unknown; v?: string | null };
      timeout?: string;
    };
    const res = await createChildRun(runId, op.id, String(o.function_id), o.payload);
    if ("error" in res) {
      s = completeStep(s, op.id, { type: "error", error: { name: "Error", message: res.error } });
      continue;
    }
    const now = Date.now();
    const until = o.timeout ? sleepUntil(o.timeout, now) : now + MAX_WAIT_MS;
    s = { ...s, pending: { ...s.pending, [op.id]: { op: Op.InvokeFunction, child: res.child, until } } };
    log(`${tag} invoked ${o.function_id} (run ${res.child.slice(0, 8)})`);
  }
  return s;
}

/** Completes the waits whose event / child run / timeout has come. */
export async function settleExternalWaits(state: TRunState, event: TRunEvent): Promise<TRunState> {
  if (!Object.values(state.pending).some(isExternalWait)) return state;
  const done = await settleWaits(state.pending, event);
  let s = state;
  for (const [id, memo] of Object.entries(done)) s = completeStep(s, id, memo);
  return s;
}

/**
 * After parking: an event or child result that arrived while the run was leased may have found nothing to
 * wake, so look again now that the parked state is committed (its producer wakes what it sees after that).
 * True when the run was made due again.
 */
export async function recheckParkedWaits(
  runId: string,
  pending: Record<string, TPendingOp>,
  event: TRunEvent,
): Promise<boolean> {
  if (!Object.values(pending).some(isExternalWait)) return false;
  if (!Object.keys(await settleWaits(pending, event)).length) return false;
  await prisma.jobRun.updateMany({ where: { id: runId, leaseOwner: null }, data: { nextAt: new Date() } });
  return true;
}

/** A run that ended: wake the parent that invoked it, if any. */
export async function wakeInvoker(runId: string, event: TRunEvent): Promise<void> {
  if (event.name === FUNCTION_INVOKED_EVENT) await wakeWaiters(Op.InvokeFunction, "child", runId);
}
