/**
 * The Inngest wire protocol as the JS SDK (v4.24) speaks it, reduced to what the embedded runner uses.
 * Source of truth: node_modules/inngest/components/InngestCommHandler.js (request parsing, response codes),
 * components/execution/engine.js (ops), helpers/functions.js (parseFnData), helpers/consts.js (names).
 */
import { z } from "zod";

export const headers = {
  noRetry: "x-inngest-no-retry",
  retryAfter: "retry-after",
  serverKind: "x-inngest-server-kind",
  eventIdSeed: "x-inngest-event-id-seed",
  syncKind: "x-inngest-sync-kind",
} as const;

/** Query params on the serve URL: `fnId` selects the function, `stepId` a planned step ("step" = discover). */
export const DISCOVERY_STEP_ID = "step";

export const FUNCTION_FAILED_EVENT = "inngest/function.failed";
/** The event an invoked function's run receives (data = the invoke payload's data). */
export const FUNCTION_INVOKED_EVENT = "inngest/function.invoked";
export const CRON_EVENT = "inngest/scheduled.timer";

/** Inngest's default when a function sets no `retries`. */
export const DEFAULT_RETRIES = 4;

// ---------- events (POST /e/:key) ----------

export const ZIncomingEvent = z.object({
  name: z.string().min(1),
  data: z.record(z.string(), z.unknown()).nullish(),
  id: z.string().min(1).nullish(),
  ts: z.number().nullish(),
  v: z.string().nullish(),
});
export type TIncomingEvent = z.infer<typeof ZIncomingEvent>;
export const ZIncomingEvents = z.union([ZIncomingEvent, z.array(ZIncomingEvent)]);

/** The event as the SDK receives it in `event` / `events`. */
export type TRunEvent = { id: string; name: string; data: Record<string, unknown>; ts: number; v?: string };

// ---------- registration (SDK → POST /fn/register after the runner PUTs the serve URL) ----------

export const ZTrigger = z.union([
  z.object({ event: z.string(), expression: z.string().nullish() }),
  z.object({ cron: z.string() }),
]);
export type TTrigger = z.infer<typeof ZTrigger>;

const ZConcurrencyItem = z.object({
  limit: z.number().int(),
  key: z.string().nullish(),
  scope: z.enum(["fn", "env", "account"]).nullish(),
});
export type TConcurrency = { limit: number; key?: string | null; scope?: "fn" | "env" | "account" | null };

export const ZFunctionConfig = z
  .object({
    id: z.string(),
    name: z.string().nullish(),
    triggers: z.array(ZTrigger).default([]),
    steps: z.record(
      z.string(),
      z.object({ retries: z.object({ attempts: z.number().int().min(0) }).nullish() }).passthrough(),
    ),
    concurrency: z.union([z.number().int(), ZConcurrencyItem, z.array(ZConcurrencyItem)]).nullish(),
  })
  .passthrough();
export type TFunctionConfig = z.infer<typeof ZFunctionConfig>;

export const ZRegisterBody = z
  .object({
    url: z.string().url(),
    appName: z.string().min(1),
    functions: z.array(ZFunctionConfig),
    sdk: z.string().nullish(),
    framework: z.string().nullish(),
  })
  .passthrough();

/** Function options the runner does not implement (they are accepted and ignored, with a warning). */
export const UNSUPPORTED_FN_OPTIONS = [
  "batchEvents",
  "rateLimit",
  "throttle",
  "debounce",
  "idempotency",
  "priority",
  "timeouts",
  "singleton",
  "cancel",
] as const;

// ---------- execution (runner → POST serveUrl?fnId=…&stepId=…) ----------

export type TMemo = { type: "data"; data: unknown } | { type: "error"; error: unknown };

/** Body parsed by the SDK's parseFnData. No `ctx.fn_id`/`qi_id`: see runner.ts on checkpointing. */
export type TExecRequest = {
  event: TRunEvent;
  events: TRunEvent[];
  steps: Record<string, TMemo>;
  ctx: {
    run_id: string;
    attempt: number;
    max_attempts: number;
    disable_immediate_execution: boolean;
    use_api: false;
    stack: { stack: string[]; current: number };
  };
};

/** One op in a 206 response (StepOpCode in the SDK's types.js). */
export const ZOutgoingOp = z
  .object({
    id: z.string(),
    op: z.string(),
    name: z.string().nullish(),
    displayName: z.string().nullish(),
    data: z.unknown().optional(),
    error: z.unknown().optional(),
    opts: z.record(z.string(), z.unknown()).nullish(),
  })
  .passthrough();
export type TOutgoingOp = z.infer<typeof ZOutgoingOp>;
export const ZOutgoingOps = z.array(ZOutgoingOp);

export const Op = {
  StepRun: "StepRun",
  Step: "Step",
  StepError: "StepError",
  StepFailed: "StepFailed",
  StepPlanned: "StepPlanned",
  Sleep: "Sleep",
  WaitForEvent: "WaitForEvent",
  InvokeFunction: "InvokeFunction",
  RunComplete: "RunComplete",
  DiscoveryRequest: "DiscoveryRequest",
} as const;

/** What the runner still owes a run for an op it reported (stored in JobRun.pending). */
export type TPendingOp =
  | { op: "StepPlanned"; name?: string | null; attempt: number; notBefore?: number }
  | { op: "Sleep"; until: number }
  /** Resolved by the first event named `event` received at or after `since` that satisfies `if`. */
  | { op: "WaitForEvent"; event: string; if?: string | null; since: number; until: number }
  /** Resolved when the child run ends (its output or error). */
  | { op: "InvokeFunction"; child: string; until: number };

/** Wait ops settled by something outside the run (an event, another run) rather than by the SDK. */
export type TExternalWait = Extract<TPendingOp, { op: "WaitForEvent" | "InvokeFunction" }>;
export const isExternalWait = (p: TPendingOp): p is TExternalWait =>
  p.op === "WaitForEvent" || p.op === "InvokeFunction";

/** An invoke without a timeout still ends some day: Inngest caps waits at a year. */
export const MAX_WAIT_MS = 366 * 24 * 60 * 60 * 1000;

/**
 * Sleep op `name`: an ISO date (sleepUntil) or an SDK time string such as "30s", "2h30m10s", "1w".
 */
export function sleepUntil(name: string, now: number): number {
  const units: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  const re = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/g;
  if (/^(\d+(\.\d+)?(ms|w|d|h|m|s))+$/.test(name)) {
    let total = 0;
    for (const m of name.matchAll(re)) total += Number(m[1]) * units[m[2]];
    return now + total;
  }
  const at = Date.parse(name);
  if (Number.isNaN(at)) throw new Error(`cannot parse sleep "${name}"`);
  return at;
}

/** `retry-after`: whole seconds or an RFC 3339 date (RetryAfterError). */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A request or response body as JSON, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The message of an error the SDK serialized (or the value itself as JSON). */
export const errMessage = (e: unknown) =>
  e && typeof e === "object" && "message" in e ? String((e as { message: unknown }).message) : JSON.stringify(e);
