/**
 * Embedded Inngest runner: executes the app's Inngest functions durably by speaking the SDK's HTTP
 * protocol to its serve endpoint, with all state in PostgreSQL (store.ts). It contains no pipeline logic.
 *
 * One run = a loop of requests to `serveUrl?fnId=<fn>&stepId=step` (discovery) or `&stepId=<hashed id>`
 * (a planned parallel step), each carrying the event, the step memo and ctx. The SDK answers 200 (done,
 * body = output), 206 (ops: StepRun / StepFailed / StepError / StepPlanned / Sleep / WaitForEvent /
 * InvokeFunction) or 4xx/5xx (error; `x-inngest-no-retry`, `retry-after`). State is saved after every
 * response while the run is leased; between requests a run waiting on time, an event or a child run is
 * parked (no lease) and woken by a timer, NOTIFY or the poll.
 *
 * Checkpointing (v4 default): the SDK only checkpoints when the request's ctx carries `fn_id` (the
 * executor's internal function UUID, plus `qi_id`); see InngestFunction.shouldAsyncCheckpoint. The runner
 * never sends them, so every request runs in plain async mode: at most one step executes inline per
 * request and its result comes back in the 206 body. No client config change is needed, and the
 * /v1/checkpoint API does not have to exist here.
 */
import http from "node:http";
import https from "node:https";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { JobRunStatus, Prisma, type JobRun } from "@/generated/prisma/client";
import { signRequest } from "@/lib/signing";
import { RUNNER_SIGNATURE_HEADER, runnerSigningSecret } from "./runner-auth";
import { prisma } from "@/lib/db";
import {
  DISCOVERY_STEP_ID,
  FUNCTION_FAILED_EVENT,
  FUNCTION_INVOKED_EVENT,
  MAX_WAIT_MS,
  isExternalWait,
  headers as H,
  Op,
  ZIncomingEvents,
  ZOutgoingOps,
  retryAfterMs,
  sleepUntil,
  type TExecRequest,
  type TMemo,
  type TOutgoingOp,
  type TPendingOp,
  type TRunEvent,
} from "./protocol";
import {
  NOTIFY_CHANNEL,
  claimRun,
  createChildRun,
  fireDueCrons,
  ingestEvents,
  log,
  nextDueAt,
  notify,
  recentRuns,
  registerApp,
  saveRun,
  settleWaits,
  wakeWaiters,
} from "./store";

export type TRunnerOptions = {
  /** 0 = ephemeral. Default 8288. */
  port?: number;
  host?: string;
  /** The app's Inngest endpoint, e.g. http://127.0.0.1:3000/api/inngest. */
  serveUrl: string;
  /** Fallback poll interval (LISTEN/NOTIFY and in-process wake-ups are the fast path). Default 1000. */
  pollMs?: number;
  workerId?: string;
  /** First retry delay; doubles per attempt (±10 % jitter, capped at 10 min). Default 2000. */
  backoffBaseMs?: number;
  /** Lease length; renewed every third of it while a run executes. Default 30 000. */
  leaseMs?: number;
  /** Runs this process executes at once (function concurrency limits apply on top). Default 16. */
  maxConcurrentRuns?: number;
  /** Re-sync the app's functions this often (picks up code reloads). Default 60 000; 0 = only at start. */
  syncIntervalMs?: number;
  /** Key for the signature on every call to serveUrl (RUNNER_SIGNATURE_HEADER). Default runnerSigningSecret(). */
  signingSecret?: string;
};

export type TRunner = { url: string; workerId: string; stop(): Promise<void> };

const MAX_CONN_FAILURES = 120; // ~1 h at the 30 s cap: the app is gone, give up
const REQUEST_TIMEOUT_MS = 15 * 60 * 1000; // above Next's maxDuration (800 s) for long steps

type TFunctionWithApp = Prisma.JobFunctionGetPayload<{ include: { app: true } }>;

type THttpResult =
  | { kind: "net"; error: string }
  | { kind: "http"; status: number; headers: http.IncomingHttpHeaders; body: string };

/** POST with node:http: unlike fetch it has no 300 s headers timeout, and steps may run for minutes. */
function postJson(url: URL, body: string, secret: string): Promise<THttpResult> {
  return new Promise((resolve) => {
    const lib = url.protocol === "https:" ? https : http;
    const req = lib.request(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          [H.serverKind]: "dev",
          [RUNNER_SIGNATURE_HEADER]: signRequest(secret, "POST", `${url.pathname}${url.search}`, body),
        },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ kind: "http", status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", (err) => resolve({ kind: "net", error: err.message }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", (err) => resolve({ kind: "net", error: err.message || String(err) }));
    req.end(body);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorFromBody(status: number, body: string): Record<string, unknown> {
  const parsed = parseJson(body);
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  return { name: "Error", message: `HTTP ${status}: ${body.slice(0, 500)}` };
}

const errMessage = (e: unknown) =>
  e && typeof e === "object" && "message" in e ? String((e as { message: unknown }).message) : JSON.stringify(e);

const short = (id: string) => id.slice(0, 8);

async function readBody(req: http.IncomingMessage, limit = 16 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw Object.assign(new Error("body too large"), { status: 413 });
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export async function startRunner(opts: TRunnerOptions): Promise<TRunner> {
  const workerId = opts.workerId ?? `runner-${process.pid}-${randomUUID().slice(0, 6)}`;
  const pollMs = opts.pollMs ?? 1000;
  const backoffBaseMs = opts.backoffBaseMs ?? 2000;
  const leaseMs = opts.leaseMs ?? 30_000;
  const maxConcurrentRuns = opts.maxConcurrentRuns ?? 16;
  const syncIntervalMs = opts.syncIntervalMs ?? 60_000;
  const serveUrl = new URL(opts.serveUrl);
  const signingSecret = opts.signingSecret ?? runnerSigningSecret();

  let stopping = false;
  /** Runs this process holds: lease token → loop promise. */
  const active = new Map<string, Promise<void>>();
  const lost = new Set<string>();
  const timers: NodeJS.Timeout[] = [];
  let dueTimer: NodeJS.Timeout | undefined;
  let synced = false;
  let finished = 0;

  const backoff = (attempt: number) => {
    const ms = backoffBaseMs * 2 ** Math.max(0, attempt - 1);
    return Math.min(ms * (0.9 + Math.random() * 0.2), 10 * 60 * 1000);
  };

  // ---------- scheduling: claim runs until none is due or we are full ----------

  let pumping: Promise<void> | undefined;
  let pumpAgain = false;
  /** Crons are checked on poll ticks and timed wake-ups, not on every event (keeps the hot path short). */
  let checkCrons = true;
  function pump(opts: { crons?: boolean } = {}): Promise<void> {
    if (stopping) return Promise.resolve();
    if (opts.crons) checkCrons = true;
    if (pumping) {
      pumpAgain = true;
      return pumping;
    }
    pumping = pumpLoop().finally(() => {
      pumping = undefined;
    });
    return pumping;
  }
  async function pumpLoop(): Promise<void> {
    try {
      do {
        pumpAgain = false;
        if (checkCrons) {
          checkCrons = false;
          await fireDueCrons();
        }
        while (!stopping && active.size < maxConcurrentRuns) {
          const token = `${workerId}:${randomUUID()}`;
          const row = await claimRun(token, leaseMs);
          if (!row) break;
          const loop = executeRun(row, token)
            .catch((err) => log(`run ${short(row.id)} ${row.functionId} crashed in the runner: ${(err as Error).stack}`))
            .finally(() => {
              finished++;
              active.delete(token);
              lost.delete(token);
              void notify().catch(() => {}); // a concurrency slot may have freed up for other runners
              void pump();
            });
          active.set(token, loop);
        }
        // Wake exactly when the next sleep/retry/cron is due, if that is sooner than the poll.
        const due = await nextDueAt();
        if (dueTimer) clearTimeout(dueTimer);
        dueTimer = undefined;
        if (due && !stopping) {
          const wait = due.getTime() - Date.now();
          if (wait < pollMs) dueTimer = setTimeout(() => void pump({ crons: true }), Math.max(0, wait) + 5);
        }
      } while (pumpAgain && !stopping);
    } catch (err) {
      if (!stopping) log(`scheduler error: ${(err as Error).message}`);
    }
  }

  // ---------- one run ----------

  /** Function + app URL, cached briefly: every request of every run needs them. */
  const fnCache = new Map<string, { at: number; fn: Promise<TFunctionWithApp | null> }>();
  function lookupFunction(id: string): Promise<TFunctionWithApp | null> {
    const hit = fnCache.get(id);
    if (hit && Date.now() - hit.at < 5000) return hit.fn;
    const fn = prisma.jobFunction.findUnique({ where: { id }, include: { app: true } });
    fnCache.set(id, { at: Date.now(), fn });
    fn.catch(() => fnCache.delete(id));
    return fn;
  }

  async function executeRun(row: JobRun, token: string): Promise<void> {
    const event = row.event as unknown as TRunEvent;
    const steps = { ...(row.steps as Record<string, TMemo>) };
    const stack = [...row.stack];
    const pending = { ...(row.pending as Record<string, TPendingOp>) };
    let needsDiscovery = row.needsDiscovery;
    let discoveryNotBefore = 0;
    let attempt = row.attempt;
    let connFailures = row.connFailures;
    const tag = `run ${short(row.id)} ${row.functionId}`;
    const t0 = (row.startedAt ?? new Date()).getTime();

    const fn = await lookupFunction(row.functionId);
    if (!fn) {
      await finish({ status: JobRunStatus.FAILED, error: { name: "Error", message: `function ${row.functionId} is not registered` } });
      return;
    }
    if (!row.stack.length && row.attempt === 0 && !Object.keys(pending).length && row.needsDiscovery) {
      log(`${tag} started (${event.name})`);
    }

    function complete(id: string, memo: TMemo) {
      steps[id] = memo;
      if (!stack.includes(id)) stack.push(id);
      delete pending[id];
      needsDiscovery = true;
    }

    function state(): Prisma.JobRunUpdateManyMutationInput {
      return {
        steps: steps as Prisma.InputJsonValue,
        stack,
        pending: pending as Prisma.InputJsonValue,
        needsDiscovery,
        attempt,
        connFailures,
      };
    }

    async function finish(end: { status: "COMPLETED"; output: unknown } | { status: "FAILED"; error: Record<string, unknown> }) {
      const ok = await saveRun(row.id, token, {
        ...state(),
        status: end.status,
        output: end.status === "COMPLETED" ? ((end.output ?? Prisma.JsonNull) as Prisma.InputJsonValue) : undefined,
        error: end.status === "FAILED" ? (end.error as Prisma.InputJsonValue) : undefined,
        endedAt: new Date(),
        leaseOwner: null,
        leaseUntil: null,
      });
      if (!ok) return;
      if (event.name === FUNCTION_INVOKED_EVENT) await wakeWaiters(Op.InvokeFunction, "child", row.id);
      const took = `${Date.now() - t0} ms`;
      if (end.status === "COMPLETED") {
        log(`${tag} completed in ${took} (${stack.length} steps)`);
        return;
      }
      log(`${tag} FAILED after ${took}: ${errMessage(end.error)}`);
      // The SDK serves onFailure as a separate function triggered by this event (InngestFunction.getConfig).
      await ingestEvents([
        {
          name: FUNCTION_FAILED_EVENT,
          id: `failed-${row.id}`,
          data: { function_id: row.functionId, run_id: row.id, error: end.error, event },
        },
      ]);
    }

    function request(stepId: string, reqAttempt: number): Promise<THttpResult> {
      const url = new URL(fn!.app.url);
      url.searchParams.set("fnId", row.functionId);
      url.searchParams.set("stepId", stepId);
      const body: TExecRequest = {
        event,
        events: [event],
        steps,
        ctx: {
          run_id: row.id,
          attempt: reqAttempt,
          max_attempts: row.maxAttempts,
          // A planned step is addressed by stepId; discovery may run a lone new step inline.
          disable_immediate_execution: stepId !== DISCOVERY_STEP_ID,
          use_api: false,
          stack: { stack, current: stack.length },
        },
      };
      return postJson(url, JSON.stringify(body), signingSecret);
    }

    /** InvokeFunction ops seen in the last response, whose child runs are not created yet. */
    const invokes: TOutgoingOp[] = [];
    async function startInvokes() {
      for (const op of invokes.splice(0)) {
        const o = (op.opts ?? {}) as { function_id?: string; payload?: { data?: unknown; v?: string | null }; timeout?: string };
        const res = await createChildRun(row.id, op.id, String(o.function_id), o.payload);
        if ("error" in res) {
          complete(op.id, { type: "error", error: { name: "Error", message: res.error } });
          continue;
        }
        const now = Date.now();
        pending[op.id] = { op: Op.InvokeFunction, child: res.child, until: o.timeout ? sleepUntil(o.timeout, now) : now + MAX_WAIT_MS };
        log(`${tag} invoked ${o.function_id} (run ${short(res.child)})`);
      }
    }

    /** Settles waits whose event / child run / timeout has come; true if any did. */
    async function settle(): Promise<boolean> {
      if (!Object.values(pending).some(isExternalWait)) return false;
      const done = await settleWaits(pending, event);
      for (const [id, memo] of Object.entries(done)) complete(id, memo);
      return Object.keys(done).length > 0;
    }

    type TFail = { error: Record<string, unknown> };
    type TDone = { output: unknown };

    /** Applies the ops of a 206. `planned` is the step the request addressed (undefined = discovery). */
    function applyOps(ops: TOutgoingOp[], hdrs: http.IncomingHttpHeaders, planned?: string): TFail | TDone | undefined {
      const now = Date.now();
      let progressed = false;
      for (const op of ops) {
        switch (op.op) {
          case Op.StepRun:
          case Op.Step:
            complete(op.id, { type: "data", data: op.data ?? null });
            progressed = true;
            break;
          case Op.StepFailed:
            complete(op.id, { type: "error", error: op.error ?? null });
            progressed = true;
            break;
          case Op.StepError: {
            const p = planned ? pending[planned] : undefined;
            const next = (p && p.op === Op.StepPlanned ? p.attempt : attempt) + 1;
            if (hdrs[H.noRetry] === "true" || next >= row.maxAttempts) {
              complete(op.id, { type: "error", error: op.error ?? null }); // the SDK then throws it in the function
              progressed = true;
              break;
            }
            const delay = retryAfterMs(String(hdrs[H.retryAfter] ?? ""), now) ?? backoff(next);
            log(`${tag} step "${op.displayName ?? op.name ?? op.id}" failed (attempt ${next}/${row.maxAttempts}), retry in ${Math.round(delay)} ms: ${errMessage(op.error)}`);
            if (p && p.op === Op.StepPlanned) {
              p.attempt = next;
              p.notBefore = now + delay;
            } else {
              attempt = next;
              needsDiscovery = true;
              discoveryNotBefore = now + delay;
            }
            break;
          }
          case Op.StepPlanned:
            if (!steps[op.id] && !pending[op.id]) pending[op.id] = { op: Op.StepPlanned, name: op.name, attempt: 0 };
            break;
          case Op.Sleep:
            // Keep an existing deadline: a rediscovered sleep reports its duration again, not its end.
            if (!steps[op.id] && !pending[op.id]) pending[op.id] = { op: Op.Sleep, until: sleepUntil(String(op.name), now) };
            break;
          case Op.WaitForEvent:
            if (!steps[op.id] && !pending[op.id]) {
              const o = (op.opts ?? {}) as { timeout?: string; if?: string | null };
              const until = o.timeout ? sleepUntil(o.timeout, now) : now + MAX_WAIT_MS;
              pending[op.id] = { op: Op.WaitForEvent, event: String(op.name), if: o.if ?? null, since: now, until };
            }
            break;
          case Op.InvokeFunction:
            if (!steps[op.id] && !pending[op.id]) invokes.push(op); // the child run is created before saving
            break;
          case Op.RunComplete:
            return { output: op.data ?? null };
          case Op.DiscoveryRequest:
            needsDiscovery = true;
            break;
          default:
            return {
              error: {
                name: "NonRetriableError",
                message: `step op ${op.op} ("${op.displayName ?? op.id}") is not supported by the embedded runner`,
              },
            };
        }
      }
      if (progressed && !planned) attempt = 0;
      return undefined;
    }

    /** Handles one response. Returns a terminal outcome, or undefined to keep going. */
    function apply(res: THttpResult, planned?: string): TFail | TDone | undefined {
      const now = Date.now();
      const p = planned ? pending[planned] : undefined;
      if (res.kind === "net") {
        connFailures++;
        if (connFailures > MAX_CONN_FAILURES) return { error: { name: "Error", message: `app unreachable: ${res.error}` } };
        const delay = Math.min(30_000, backoff(connFailures));
        if (connFailures <= 3 || connFailures % 20 === 0) log(`${tag} app unreachable (${res.error}), retry in ${Math.round(delay)} ms`);
        if (p && p.op === Op.StepPlanned) p.notBefore = now + delay;
        else {
          needsDiscovery = true;
          discoveryNotBefore = now + delay;
        }
        return undefined;
      }
      connFailures = 0;
      if (res.status === 200 && !planned) return { output: parseJson(res.body) ?? null };
      if (res.status === 206) {
        const ops = ZOutgoingOps.safeParse(parseJson(res.body));
        if (ops.success) return applyOps(ops.data, res.headers, planned);
      }
      // An error (or an unexpected answer): retry the request that produced it, or fail the run.
      const error = errorFromBody(res.status, res.body);
      const cur = p && p.op === Op.StepPlanned ? p.attempt : attempt;
      const next = cur + 1;
      if (res.headers[H.noRetry] === "true" || next >= row.maxAttempts) return { error };
      const delay = retryAfterMs(String(res.headers[H.retryAfter] ?? ""), now) ?? backoff(next);
      log(`${tag} attempt ${next}/${row.maxAttempts} in ${Math.round(delay)} ms after HTTP ${res.status}: ${errMessage(error)}`);
      if (p && p.op === Op.StepPlanned) {
        p.attempt = next;
        p.notBefore = now + delay;
      } else {
        attempt = next;
        needsDiscovery = true;
        discoveryNotBefore = now + delay;
      }
      return undefined;
    }

    while (true) {
      if (lost.has(token)) return log(`${tag} lease lost; another runner took over`);
      const now = Date.now();
      for (const [id, p] of Object.entries(pending)) {
        if (p.op === Op.Sleep && p.until <= now) complete(id, { type: "data", data: null });
      }
      await settle();
      const ready = Object.entries(pending).filter(([, p]) => p.op === Op.StepPlanned && (p.notBefore ?? 0) <= now);
      const discover = needsDiscovery && discoveryNotBefore <= now;

      if (stopping || (!ready.length && !discover)) {
        // Park until the earliest sleep / retry, releasing the lease (and the concurrency slot).
        const wakes = Object.values(pending).map((p) => (p.op === Op.StepPlanned ? (p.notBefore ?? now) : p.until));
        if (needsDiscovery) wakes.push(discoveryNotBefore);
        if (!wakes.length) needsDiscovery = true; // nothing pending yet not done: ask the SDK again
        const wake = wakes.length ? Math.max(now, Math.min(...wakes)) : now;
        const parked = await saveRun(row.id, token, {
          ...state(),
          status: wake > now ? JobRunStatus.SLEEPING : JobRunStatus.QUEUED,
          nextAt: new Date(wake),
          leaseOwner: null,
          leaseUntil: null,
        });
        // An event or child result that arrived while we held the lease may have found nothing to wake:
        // look again now that the parked state is committed (its producer wakes what it sees after that).
        if (parked && wake > now && Object.values(pending).some(isExternalWait)) {
          if (Object.keys(await settleWaits(pending, event)).length) {
            await prisma.jobRun.updateMany({ where: { id: row.id, leaseOwner: null }, data: { nextAt: new Date() } });
            void pump();
          }
        }
        return;
      }

      let outcome: TFail | TDone | undefined;
      if (ready.length) {
        const results = await Promise.all(ready.map(([id, p]) => request(id, (p as { attempt: number }).attempt)));
        for (const [i, res] of results.entries()) outcome ??= apply(res, ready[i][0]);
      } else {
        needsDiscovery = false;
        outcome = apply(await request(DISCOVERY_STEP_ID, attempt));
      }
      await startInvokes();
      if (lost.has(token)) continue;
      if (outcome && "output" in outcome) return finish({ status: "COMPLETED", output: outcome.output });
      if (outcome) return finish({ status: "FAILED", error: outcome.error });
      if (!(await saveRun(row.id, token, { ...state(), leaseUntil: new Date(Date.now() + leaseMs) }))) lost.add(token);
    }
  }

  // ---------- lease heartbeat ----------

  timers.push(
    setInterval(() => {
      for (const token of active.keys()) {
        void prisma.jobRun
          .updateMany({ where: { leaseOwner: token }, data: { leaseUntil: new Date(Date.now() + leaseMs) } })
          .then((r) => {
            if (r.count === 0 && active.has(token)) lost.add(token);
          })
          .catch(() => {});
      }
    }, Math.max(50, Math.floor(leaseMs / 3))),
  );

  // ---------- HTTP API: event ingest, registration, status ----------

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://runner");
    try {
      if (req.method === "POST" && /^\/e\/[^/]*\/?$/.test(url.pathname)) {
        const parsed = ZIncomingEvents.safeParse(parseJson(await readBody(req)));
        if (!parsed.success) return send(res, 400, { ids: [], status: 400, error: parsed.error.message });
        const events = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
        const seed = req.headers[H.eventIdSeed];
        const { ids } = await ingestEvents(events, { seed: typeof seed === "string" ? seed : undefined });
        void pump();
        return send(res, 200, { ids, status: 200 });
      }
      if (req.method === "POST" && url.pathname === "/fn/register") {
        const { modified, functions } = await registerApp(parseJson(await readBody(req)));
        fnCache.clear();
        if (!synced) log(`registered ${functions} functions`);
        synced = true;
        void pump({ crons: true });
        return send(res, 200, { ok: true, status: 200, modified });
      }
      if (req.method === "GET" && url.pathname === "/health") {
        return send(res, 200, { status: "ok", workerId, serveUrl: serveUrl.href, synced, activeRuns: active.size, runsHandled: finished });
      }
      if (req.method === "GET" && url.pathname === "/runs") {
        const runs = await recentRuns({
          limit: Number(url.searchParams.get("limit") ?? 50) || 50,
          functionId: url.searchParams.get("functionId") ?? undefined,
          eventId: url.searchParams.get("eventId") ?? undefined,
          status: url.searchParams.get("status") ?? undefined,
        });
        return send(res, 200, { runs });
      }
      return send(res, 404, { error: { code: "not_found", message: `${req.method} ${url.pathname}` } });
    } catch (err) {
      const status = (err as { status?: number }).status ?? (err instanceof Error && err.name === "ZodError" ? 400 : 500);
      if (status >= 500) log(`${req.method} ${url.pathname} failed: ${(err as Error).message}`);
      return send(res, status, { status, error: status >= 500 ? "internal error" : (err as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8288, opts.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.address.includes(":") ? `[${addr.address}]` : addr.address}:${addr.port}`;

  // ---------- app sync: PUT the serve URL; the SDK POSTs its configs to our /fn/register ----------

  let waitingLogged = false;
  async function syncApp(): Promise<boolean> {
    try {
      const headers = { [RUNNER_SIGNATURE_HEADER]: signRequest(signingSecret, "PUT", `${serveUrl.pathname}${serveUrl.search}`, "") };
      const res = await fetch(serveUrl, { method: "PUT", headers, signal: AbortSignal.timeout(30_000) });
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      if (res.ok) return true;
      // The SDK answers 500 "Failed to register" when its POST /fn/register went somewhere else.
      const hint = res.status === 500 ? ` (is INNGEST_DEV=${url} set in the app?)` : "";
      if (!synced) log(`sync: ${serveUrl.href} answered ${res.status} ${body.message ?? ""}${hint}`);
    } catch (err) {
      if (!stopping && !synced && !waitingLogged) log(`sync: waiting for the app at ${serveUrl.href} (${(err as Error).message})`);
      waitingLogged = true;
    }
    return false;
  }
  void (async () => {
    for (let delay = 250; !stopping; delay = Math.min(delay * 2, 5000)) {
      if (await syncApp()) break;
      await new Promise((r) => timers.push(setTimeout(r, delay)));
    }
  })();
  if (syncIntervalMs > 0) timers.push(setInterval(() => void (synced && syncApp()), syncIntervalMs));

  // ---------- wake-ups: NOTIFY from any runner/ingest, plus polling as the fallback ----------

  let listener: pg.Client | undefined;
  try {
    listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
    listener.on("notification", () => void pump());
    listener.on("error", (err) => {
      if (!stopping) log(`LISTEN connection lost (${err.message}); polling every ${pollMs} ms`);
      listener = undefined;
    });
    await listener.connect();
    await listener.query(`LISTEN ${NOTIFY_CHANNEL}`);
  } catch (err) {
    log(`LISTEN unavailable (${(err as Error).message}); polling every ${pollMs} ms`);
    listener = undefined;
  }
  timers.push(setInterval(() => void pump({ crons: true }), pollMs));
  log(`runner ${workerId} listening on ${url}, serving ${serveUrl.href}`);
  void pump();

  let stopped: Promise<void> | undefined;
  return {
    url,
    workerId,
    stop() {
      stopped ??= shutdown();
      return stopped;
    },
  };

  async function shutdown() {
    stopping = true;
    for (const t of timers) clearInterval(t);
    if (dueTimer) clearTimeout(dueTimer);
    // Let in-flight requests finish and park their runs (they may still send events to us).
    await pumping;
    await Promise.allSettled(active.values());
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await listener?.end().catch(() => {});
    await notify().catch(() => {}); // parked runs are due now: let another runner take them
  }
}
