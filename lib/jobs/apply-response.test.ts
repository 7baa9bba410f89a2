import { describe, expect, it } from "vitest";
import {
  MAX_CONN_FAILURES,
  applyResponse,
  completeStep,
  scheduleRetry,
  type TApplyContext,
  type TRunState,
  type TServeResponse,
} from "./apply-response";
import { MAX_WAIT_MS, type TPendingOp } from "./protocol";

const NOW = 1_000_000;
const ctx: TApplyContext = { now: NOW, maxAttempts: 3, backoff: (attempt) => 100 * attempt };

const state = (s: Partial<TRunState> = {}): TRunState => ({
  steps: {},
  stack: [],
  pending: {},
  needsDiscovery: false,
  discoveryNotBefore: 0,
  attempt: 0,
  connFailures: 0,
  ...s,
});
const planned = (attempt = 0): Extract<TPendingOp, { op: "StepPlanned" }> => ({
  op: "StepPlanned",
  name: "p",
  attempt,
});
type THttp = Extract<TServeResponse, { kind: "http" }>;
const http = (status: number, body: unknown, headers: Record<string, string> = {}, step?: string): THttp => ({
  kind: "http",
  status,
  headers,
  body: typeof body === "string" ? body : JSON.stringify(body),
  planned: step,
});
const ops = (...list: Record<string, unknown>[]) => http(206, list);

type TCase = {
  name: string;
  before?: Partial<TRunState>;
  res: TServeResponse;
  ctx?: Partial<TApplyContext>;
  expected: Record<string, unknown>;
};

describe("applyResponse", () => {
  const cases: TCase[] = [
    {
      name: "200 on discovery completes with the body",
      res: http(200, { ok: 1 }),
      expected: { outcome: { kind: "completed", output: { ok: 1 } } },
    },
    {
      name: "200 with an empty body completes with null",
      res: http(200, ""),
      expected: { outcome: { kind: "completed", output: null } },
    },
    {
      name: "206 StepRun memoizes, stacks, asks again and resets the attempt",
      before: { attempt: 2 },
      res: ops({ id: "a", op: "StepRun", data: 7 }),
      expected: {
        state: state({ steps: { a: { type: "data", data: 7 } }, stack: ["a"], needsDiscovery: true }),
        outcome: { kind: "continue" },
      },
    },
    {
      name: "206 Step without data memoizes null",
      res: ops({ id: "a", op: "Step" }),
      expected: { state: state({ steps: { a: { type: "data", data: null } }, stack: ["a"], needsDiscovery: true }) },
    },
    {
      name: "206 StepRun for a planned step drops it from pending and keeps the run's attempt",
      before: { attempt: 1, pending: { a: planned(2), b: planned() } },
      res: { ...ops({ id: "a", op: "StepRun", data: 1 }), planned: "a" },
      expected: {
        state: state({
          attempt: 1,
          steps: { a: { type: "data", data: 1 } },
          stack: ["a"],
          pending: { b: planned() },
          needsDiscovery: true,
        }),
      },
    },
    {
      name: "206 StepFailed memoizes the error",
      res: ops({ id: "a", op: "StepFailed", error: { message: "no" } }),
      expected: {
        state: state({ steps: { a: { type: "error", error: { message: "no" } } }, stack: ["a"], needsDiscovery: true }),
      },
    },
    {
      name: "206 StepError on discovery retries discovery after the backoff",
      res: ops({ id: "a", op: "StepError", error: { message: "flaky" } }),
      expected: {
        state: state({ attempt: 1, needsDiscovery: true, discoveryNotBefore: NOW + 100 }),
        outcome: { kind: "continue" },
        logs: [`step "a" failed (attempt 1/3), retry in 100 ms: flaky`],
      },
    },
    {
      name: "206 StepError on a planned step retries that step",
      before: { pending: { a: planned(1) } },
      res: { ...ops({ id: "a", op: "StepError", error: { message: "flaky" } }), planned: "a" },
      expected: { state: state({ pending: { a: { ...planned(2), notBefore: NOW + 200 } } }) },
    },
    {
      name: "206 StepError honours retry-after (seconds)",
      res: { ...ops({ id: "a", op: "StepError" }), headers: { "retry-after": "5" } },
      expected: { state: state({ attempt: 1, needsDiscovery: true, discoveryNotBefore: NOW + 5000 }) },
    },
    {
      name: "206 StepError with x-inngest-no-retry memoizes the error for the SDK to throw",
      res: {
        ...ops({ id: "a", op: "StepError", error: { message: "fatal" } }),
        headers: { "x-inngest-no-retry": "true" },
      },
      expected: {
        state: state({
          steps: { a: { type: "error", error: { message: "fatal" } } },
          stack: ["a"],
          needsDiscovery: true,
        }),
      },
    },
    {
      name: "206 StepError with attempts exhausted memoizes the error",
      before: { attempt: 2 },
      res: ops({ id: "a", op: "StepError", error: { message: "x" } }),
      expected: {
        state: state({ steps: { a: { type: "error", error: { message: "x" } } }, stack: ["a"], needsDiscovery: true }),
      },
    },
    {
      name: "206 StepPlanned adds a pending step once",
      before: { pending: { b: planned(1) } },
      res: ops({ id: "a", op: "StepPlanned", name: "p" }, { id: "b", op: "StepPlanned", name: "p" }),
      expected: { state: state({ pending: { b: planned(1), a: planned() } }) },
    },
    {
      name: "206 Sleep keeps an existing deadline",
      before: { pending: { old: { op: "Sleep", until: 5 } } },
      res: ops({ id: "new", op: "Sleep", name: "2s" }, { id: "old", op: "Sleep", name: "2s" }),
      expected: {
        state: state({ pending: { old: { op: "Sleep", until: 5 }, new: { op: "Sleep", until: NOW + 2000 } } }),
      },
    },
    {
      name: "206 WaitForEvent waits from now until its timeout",
      res: ops({ id: "w", op: "WaitForEvent", name: "x/paid", opts: { timeout: "1s", if: "async.data.a == 1" } }),
      expected: {
        state: state({
          pending: {
            w: { op: "WaitForEvent", event: "x/paid", if: "async.data.a == 1", since: NOW, until: NOW + 1000 },
          },
        }),
      },
    },
    {
      name: "206 WaitForEvent without a timeout waits a year at most",
      res: ops({ id: "w", op: "WaitForEvent", name: "x/paid" }),
      expected: {
        state: state({
          pending: { w: { op: "WaitForEvent", event: "x/paid", if: null, since: NOW, until: NOW + MAX_WAIT_MS } },
        }),
      },
    },
    {
      name: "206 InvokeFunction is handed back to create the child run",
      res: ops({ id: "i", op: "InvokeFunction", opts: { function_id: "f" } }),
      expected: { state: state(), invokes: [{ id: "i", op: "InvokeFunction", opts: { function_id: "f" } }] },
    },
    {
      name: "206 RunComplete completes",
      res: ops({ id: "c", op: "RunComplete", data: [1] }),
      expected: { outcome: { kind: "completed", output: [1] } },
    },
    {
      name: "206 DiscoveryRequest asks again",
      res: ops({ id: "d", op: "DiscoveryRequest" }),
      expected: { state: state({ needsDiscovery: true }) },
    },
    {
      name: "206 with an unknown op fails the run",
      res: ops({ id: "z", op: "AIGateway", displayName: "ai" }),
      expected: {
        outcome: {
          kind: "failed",
          error: {
            name: "NonRetriableError",
            message: `step op AIGateway ("ai") is not supported by the embedded runner`,
          },
        },
      },
    },
    {
      name: "206 with a body that is not ops is an error (retried)",
      res: http(206, "nope"),
      expected: {
        state: state({ attempt: 1, needsDiscovery: true, discoveryNotBefore: NOW + 100 }),
        logs: ["attempt 1/3 in 100 ms after HTTP 206: HTTP 206: nope"],
      },
    },
    {
      name: "200 for a planned step is an error (retried)",
      before: { pending: { a: planned() } },
      res: http(200, { name: "Error", message: "odd" }, {}, "a"),
      expected: {
        state: state({ pending: { a: { ...planned(1), notBefore: NOW + 100 } } }),
        logs: ["attempt 1/3 in 100 ms after HTTP 200: odd"],
      },
    },
    {
      name: "500 retries discovery with backoff",
      before: { connFailures: 4 },
      res: http(500, { name: "Error", message: "boom" }),
      expected: {
        state: state({ attempt: 1, needsDiscovery: true, discoveryNotBefore: NOW + 100 }),
        outcome: { kind: "continue" },
      },
    },
    {
      name: "503 honours retry-after (date)",
      res: http(503, "busy", { "retry-after": new Date(NOW + 3000).toUTCString() }),
      expected: { state: state({ attempt: 1, needsDiscovery: true, discoveryNotBefore: NOW + 3000 }) },
    },
    {
      name: "400 with x-inngest-no-retry fails the run",
      res: http(400, { name: "NonRetriableError", message: "bad" }, { "x-inngest-no-retry": "true" }),
      expected: { outcome: { kind: "failed", error: { name: "NonRetriableError", message: "bad" } } },
    },
    {
      name: "500 with attempts exhausted fails the run",
      before: { attempt: 2 },
      res: http(500, "<html>"),
      expected: {
        outcome: { kind: "failed", error: { name: "Error", message: "HTTP 500: <html>" } },
        state: state({ attempt: 2 }),
      },
    },
    {
      name: "500 for a planned step with attempts exhausted fails the run",
      before: { pending: { a: planned(2) } },
      res: http(500, { message: "still" }, {}, "a"),
      expected: { outcome: { kind: "failed", error: { message: "still" } } },
    },
    {
      name: "a connection failure retries without costing an attempt",
      before: { attempt: 1 },
      res: { kind: "net", error: "ECONNREFUSED" },
      expected: {
        state: state({ attempt: 1, connFailures: 1, needsDiscovery: true, discoveryNotBefore: NOW + 100 }),
        logs: ["app unreachable (ECONNREFUSED), retry in 100 ms"],
      },
    },
    {
      name: "connection failures wait at most 30 s and log only now and then",
      before: { connFailures: 3, pending: { a: planned(1) } },
      ctx: { backoff: () => 60_000 },
      res: { kind: "net", error: "ECONNRESET", planned: "a" },
      expected: {
        state: state({ connFailures: 4, pending: { a: { ...planned(1), notBefore: NOW + 30_000 } } }),
        logs: [],
      },
    },
    {
      name: "too many connection failures fail the run",
      before: { connFailures: MAX_CONN_FAILURES },
      res: { kind: "net", error: "ECONNREFUSED" },
      expected: { outcome: { kind: "failed", error: { name: "Error", message: "app unreachable: ECONNREFUSED" } } },
    },
  ];

  it.each(cases)("$name", ({ before, res, ctx: over, expected }) => {
    const input = state(before);
    const frozen = JSON.stringify(input);
    const applied = applyResponse(input, res, { ...ctx, ...over });
    expect(applied).toMatchObject(expected);
    expect(JSON.stringify(input)).toBe(frozen); // pure: the input state is not changed
  });

  it("applies several ops of one 206 in order and stops at RunComplete", () => {
    const {
      state: s,
      outcome,
      invokes,
    } = applyResponse(
      state(),
      ops(
        { id: "a", op: "StepRun", data: 1 },
        { id: "i", op: "InvokeFunction" },
        { id: "c", op: "RunComplete", data: "x" },
        { id: "b", op: "StepRun" },
      ),
      ctx,
    );
    expect(outcome).toEqual({ kind: "completed", output: "x" });
    expect(s.stack).toEqual(["a"]);
    expect(invokes.map((o) => o.id)).toEqual(["i"]);
  });
});

describe("scheduleRetry / completeStep", () => {
  it("retries the planned step when the request addressed one, else discovery", () => {
    const s = state({ attempt: 1, pending: { a: planned(0) } });
    expect(scheduleRetry(s, "a", 5, 1).pending.a).toEqual({ ...planned(1), notBefore: 5 });
    expect(scheduleRetry(s, "a", 5).pending.a).toEqual({ ...planned(0), notBefore: 5 });
    expect(scheduleRetry(s, undefined, 5, 2)).toEqual(
      state({ attempt: 2, pending: s.pending, needsDiscovery: true, discoveryNotBefore: 5 }),
    );
    expect(scheduleRetry(s, "gone", 5)).toEqual(
      state({ attempt: 1, pending: s.pending, needsDiscovery: true, discoveryNotBefore: 5 }),
    );
    expect(s.pending.a).toEqual(planned(0));
  });

  it("completes a step once on the stack", () => {
    const s = completeStep(state({ stack: ["a"], pending: { a: planned() } }), "a", { type: "data", data: 2 });
    expect(s).toEqual(state({ stack: ["a"], steps: { a: { type: "data", data: 2 } }, needsDiscovery: true }));
  });
});
