/**
 * PostgreSQL state of the embedded runner: app/function registry, event ingest with deduplication and
 * trigger matching, durable cron slots, and run leases. All writes that must not double up across runner
 * processes are transactional (event-key upsert, cron compare-and-set, claims under one advisory lock).
 */
import { createHash, randomUUID } from "node:crypto";
import { redact } from "@/lib/redact";
import { JobRunStatus, Prisma, type JobRun } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { nextCronTime } from "./cron";
import { evaluate } from "./expr";
import {
  CRON_EVENT,
  DEFAULT_RETRIES,
  FUNCTION_INVOKED_EVENT,
  type TMemo,
  type TPendingOp,
  UNSUPPORTED_FN_OPTIONS,
  ZRegisterBody,
  type TConcurrency,
  type TFunctionConfig,
  type TIncomingEvent,
  type TRunEvent,
  type TTrigger,
} from "./protocol";

export const NOTIFY_CHANNEL = "clipstream_jobs";
const DEDUP_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Serialises claims across runner processes so concurrency limits hold (see claimRun). */
const CLAIM_LOCK = 727_274;
const ACTIVE: JobRunStatus[] = [JobRunStatus.QUEUED, JobRunStatus.RUNNING, JobRunStatus.SLEEPING];

/** A JS time as a `timestamp(3)` (Prisma stores UTC wall-clock time without a zone). */
const ts = (ms: number) => Prisma.sql`(to_timestamp(${ms / 1000}::float8) AT TIME ZONE 'UTC')`;

type TFnRow = { id: string; triggers: unknown; retries: number; concurrency: unknown };
export type TConcurrencyKey = { k: string; l: number };

export const log = (msg: string) => console.log(`[jobs] ${redact(msg)}`);
const warned = new Set<string>();
function warnOnce(key: string, msg: string) {
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(`[jobs] ${msg}`);
}

function safeEval(expr: string, scope: Record<string, unknown>, where: string): unknown {
  try {
    return evaluate(expr, scope);
  } catch (err) {
    warnOnce(`expr:${expr}`, `${where}: cannot evaluate ${JSON.stringify(expr)} (${(err as Error).message})`);
    return undefined;
  }
}

function normaliseConcurrency(c: TFunctionConfig["concurrency"]): TConcurrency[] {
  if (c === null || c === undefined) return [];
  if (typeof c === "number") return [{ limit: c }];
  return Array.isArray(c) ? c : [c];
}

/** The keys a run occupies while it executes; runs sharing a key share its limit. */
function concurrencyKeys(fnId: string, items: TConcurrency[], event: TRunEvent): TConcurrencyKey[] {
  return items.flatMap((item, i) => {
    if (!(item.limit > 0)) return []; // 0 = no limit
    const value = item.key ? String(safeEval(item.key, { event }, `concurrency key of ${fnId}`) ?? "") : "";
    const scope = item.scope ?? "fn";
    return [{ k: scope === "fn" ? `${fnId}#${i}#${value}` : `${scope}#${value}`, l: item.limit }];
  });
}

function matchesName(pattern: string, name: string): boolean {
  return pattern === name || (pattern.endsWith("*") && name.startsWith(pattern.slice(0, -1)));
}

export function runFor(fn: TFnRow, eventId: string, event: TRunEvent): Prisma.JobRunCreateManyInput {
  return {
    id: randomUUID(),
    functionId: fn.id,
    eventId,
    event: event as unknown as Prisma.InputJsonValue,
    maxAttempts: fn.retries + 1,
    concurrency: concurrencyKeys(fn.id, fn.concurrency as TConcurrency[], event),
    nextAt: new Date(),
  };
}

// ---------- registry ----------

/** Body of POST /fn/register: replaces the app's functions and (re)schedules their crons. */
export async function registerApp(raw: unknown): Promise<{ modified: boolean; functions: number }> {
  const body = ZRegisterBody.parse(raw);
  const now = new Date();
  const configs = body.functions;
  for (const cfg of configs) {
    const unsupported = UNSUPPORTED_FN_OPTIONS.filter((k) => cfg[k] !== undefined && cfg[k] !== null);
    if (unsupported.length)
      warnOnce(`opts:${cfg.id}`, `${cfg.id}: ignoring unsupported options ${unsupported.join(", ")}`);
  }
  return prisma.$transaction(async (tx) => {
    const before = await tx.jobFunction.findMany({
      where: { appId: body.appName },
      select: { id: true, config: true },
    });
    await tx.jobApp.upsert({
      where: { id: body.appName },
      create: { id: body.appName, url: body.url, sdk: body.sdk ?? null },
      update: { url: body.url, sdk: body.sdk ?? null, syncedAt: now },
    });
    const ids = configs.map((c) => c.id);
    await tx.jobFunction.deleteMany({ where: { appId: body.appName, id: { notIn: ids } } });
    for (const cfg of configs) {
      const retries = Object.values(cfg.steps)[0]?.retries?.attempts ?? DEFAULT_RETRIES;
      const data = {
        appId: body.appName,
        name: cfg.name ?? cfg.id,
        triggers: cfg.triggers as Prisma.InputJsonValue,
        retries,
        concurrency: normaliseConcurrency(cfg.concurrency) as Prisma.InputJsonValue,
        config: cfg as Prisma.InputJsonValue,
      };
      await tx.jobFunction.upsert({ where: { id: cfg.id }, create: { id: cfg.id, ...data }, update: data });
      const crons: string[] = [];
      for (const t of cfg.triggers) {
        if (!("cron" in t)) continue;
        try {
          crons.push(t.cron);
          await tx.jobCron.upsert({
            where: { functionId_cron: { functionId: cfg.id, cron: t.cron } },
            create: { functionId: cfg.id, cron: t.cron, nextAt: nextCronTime(t.cron, now) },
            update: {},
          });
        } catch (err) {
          warnOnce(
            `cron:${cfg.id}:${t.cron}`,
            `${cfg.id}: invalid cron ${JSON.stringify(t.cron)} (${(err as Error).message})`,
          );
        }
      }
      await tx.jobCron.deleteMany({ where: { functionId: cfg.id, cron: { notIn: crons } } });
    }
    const prev = new Map(before.map((f) => [f.id, JSON.stringify(f.config)]));
    const modified = before.length !== configs.length || configs.some((c) => prev.get(c.id) !== JSON.stringify(c));
    return { modified, functions: configs.length };
  });
}

// ---------- events ----------

/** Stable internal id when the SDK sends x-inngest-event-id-seed, so its own send retries collapse. */
function internalEventId(seed: string | undefined, index: number): string {
  if (!seed) return `evt_${randomUUID().replaceAll("-", "")}`;
  return `evt_${createHash("sha256").update(`${seed}:${index}`).digest("hex").slice(0, 32)}`;
}

/**
 * Stores events and creates one run per matching function (in one transaction, then NOTIFY). An event
 * whose producer `id` was seen in the last 24 h is a duplicate: it returns the first event's id and
 * triggers nothing.
 */
export async function ingestEvents(
  events: TIncomingEvent[],
  opts: { seed?: string } = {},
): Promise<{ ids: string[]; runIds: string[] }> {
  const { result, names } = await prisma.$transaction((tx) => insertEvents(tx, events, opts));
  // After the commit, so that a run parking concurrently either is woken here or sees the event when it
  // re-checks after parking (see wakeWaiters).
  for (const name of names) await wakeWaiters("WaitForEvent", "event", name);
  return result;
}

/** ingestEvents inside the caller's transaction; the caller wakes waiters on `names` after committing. */
async function insertEvents(
  tx: Prisma.TransactionClient,
  events: TIncomingEvent[],
  opts: { seed?: string },
): Promise<{ result: { ids: string[]; runIds: string[] }; names: Set<string> }> {
  const now = Date.now();
  const names = new Set<string>();
  const result = await (async () => {
    const fns: TFnRow[] = await tx.jobFunction.findMany({
      select: { id: true, triggers: true, retries: true, concurrency: true },
    });
    const ids: string[] = [];
    const runs: Prisma.JobRunCreateManyInput[] = [];
    for (const [i, e] of events.entries()) {
      const id = internalEventId(opts.seed, i);
      if (e.id) {
        const claimed = await tx.$queryRaw<{ eventId: string }[]>`
          INSERT INTO job_event_key (key, "eventId", "expiresAt")
          VALUES (${e.id}, ${id}, to_timestamp(${(now + DEDUP_WINDOW_MS) / 1000}::float8) AT TIME ZONE 'UTC')
          ON CONFLICT (key) DO UPDATE SET "eventId" = EXCLUDED."eventId", "expiresAt" = EXCLUDED."expiresAt"
            WHERE job_event_key."expiresAt" < to_timestamp(${now / 1000}::float8) AT TIME ZONE 'UTC'
          RETURNING "eventId"`;
        if (!claimed.length) {
          const first = await tx.jobEventKey.findUnique({ where: { key: e.id } });
          ids.push(first?.eventId ?? id);
          continue;
        }
      }
      const ts = e.ts ?? now;
      const data = (e.data ?? {}) as Record<string, unknown>;
      const created = await tx.jobEvent.createMany({
        data: [
          {
            id,
            name: e.name,
            data: data as Prisma.InputJsonValue,
            externalId: e.id ?? null,
            ts: new Date(ts),
            receivedAt: new Date(now), // the runner's clock, which waitForEvent's `since` also uses
          },
        ],
        skipDuplicates: true,
      });
      ids.push(id);
      if (!created.count) continue; // the same seeded send, retried by the SDK
      names.add(e.name);
      const runEvent: TRunEvent = { id: e.id ?? id, name: e.name, data, ts, ...(e.v ? { v: e.v } : {}) };
      for (const fn of fns) {
        const hit = (fn.triggers as TTrigger[]).some(
          (t) =>
            "event" in t &&
            matchesName(t.event, e.name) &&
            (!t.expression || Boolean(safeEval(t.expression, { event: runEvent }, `trigger of ${fn.id}`))),
        );
        if (hit) runs.push(runFor(fn, id, runEvent));
      }
    }
    if (runs.length) {
      await tx.jobRun.createMany({ data: runs });
      await tx.$executeRawUnsafe(`NOTIFY ${NOTIFY_CHANNEL}`);
    }
    return { ids, runIds: runs.map((r) => r.id) };
  })();
  return { result, names };
}

/**
 * Ends a run while `owner` still holds its lease, and, for a failed run, stores its `inngest/function.failed`
 * event (which triggers the function's onFailure) in the same transaction: a crash between the two can no
 * longer leave a run FAILED whose onFailure never runs. False when the lease was lost (nothing written).
 */
export async function finishRun(
  id: string,
  owner: string,
  data: Prisma.JobRunUpdateManyMutationInput,
  failedEvent: TIncomingEvent | null,
): Promise<boolean> {
  const out = await prisma.$transaction(async (tx) => {
    const res = await tx.jobRun.updateMany({ where: { id, leaseOwner: owner }, data });
    if (res.count !== 1) return null;
    return failedEvent ? (await insertEvents(tx, [failedEvent], {})).names : new Set<string>();
  });
  if (!out) return false;
  for (const name of out) await wakeWaiters("WaitForEvent", "event", name);
  return true;
}

// ---------- external waits: step.waitForEvent, step.invoke ----------

/**
 * Makes runs whose pending ops wait on `value` (an event name or a child run id) due now. Runs another
 * runner holds are marked too; their holder re-checks waits before parking.
 */
export async function wakeWaiters(op: "WaitForEvent" | "InvokeFunction", field: "event" | "child", value: string) {
  const woken = await prisma.$executeRaw`
    UPDATE job_run SET "nextAt" = ${ts(Date.now())}
    WHERE status IN ('QUEUED', 'RUNNING', 'SLEEPING')
      AND jsonb_path_exists(pending, ${`$.* ? (@.op == "${op}" && @.${field} == $v)`}::jsonpath, jsonb_build_object('v', ${value}::text))`;
  if (woken) await notify();
}

const toRunEvent = (e: {
  id: string;
  externalId: string | null;
  name: string;
  data: unknown;
  ts: Date;
}): TRunEvent => ({
  id: e.externalId ?? e.id,
  name: e.name,
  data: (e.data ?? {}) as Record<string, unknown>,
  ts: e.ts.getTime(),
});

/**
 * Memo entries for the external waits that can be settled now: the first matching event, the child's
 * output or error, or the timeout (null for waitForEvent, an error for invoke, as Inngest does).
 */
export async function settleWaits(
  pending: Record<string, TPendingOp>,
  runEvent: TRunEvent,
  now = Date.now(),
): Promise<Record<string, TMemo>> {
  const out: Record<string, TMemo> = {};
  for (const [id, p] of Object.entries(pending)) {
    if (p.op === "WaitForEvent") {
      const candidates = await prisma.jobEvent.findMany({
        where: { name: p.event, receivedAt: { gte: new Date(p.since) } },
        orderBy: { receivedAt: "asc" },
        take: 200,
      });
      const hit = candidates.find(
        (c) => !p.if || Boolean(safeEval(p.if, { event: runEvent, async: toRunEvent(c) }, `waitForEvent ${p.event}`)),
      );
      if (hit) out[id] = { type: "data", data: toRunEvent(hit) };
      else if (p.until <= now) out[id] = { type: "data", data: null };
    } else if (p.op === "InvokeFunction") {
      const child = await prisma.jobRun.findUnique({
        where: { id: p.child },
        select: { status: true, output: true, error: true },
      });
      if (child?.status === JobRunStatus.COMPLETED) out[id] = { type: "data", data: child.output ?? null };
      else if (child?.status === JobRunStatus.FAILED)
        out[id] = { type: "error", error: child.error ?? { name: "Error", message: "invoked function failed" } };
      else if (!child)
        out[id] = { type: "error", error: { name: "Error", message: `invoked run ${p.child} does not exist` } };
      else if (p.until <= now) {
        out[id] = {
          type: "error",
          error: { name: "InngestInvokeTimeoutError", message: "Timed out waiting for invoked function to complete" },
        };
      }
    }
  }
  return out;
}

/**
 * Creates the run of an invoked function (idempotent: the id derives from the parent run and step, so a
 * re-discovered invoke after a crash does not start a second child). Returns an error message when the
 * function is unknown.
 */
export async function createChildRun(
  parentRunId: string,
  stepId: string,
  functionId: string,
  payload: { data?: unknown; v?: string | null } | undefined,
): Promise<{ child: string } | { error: string }> {
  const fn = await prisma.jobFunction.findUnique({
    where: { id: functionId },
    select: { id: true, triggers: true, retries: true, concurrency: true },
  });
  if (!fn) return { error: `function ${functionId} is not registered` };
  const child = createHash("sha256").update(`invoke|${parentRunId}|${stepId}`).digest("hex").slice(0, 32);
  const event: TRunEvent = {
    id: `inv_${child}`,
    name: FUNCTION_INVOKED_EVENT,
    data: (payload?.data ?? {}) as Record<string, unknown>,
    ts: Date.now(),
    ...(payload?.v ? { v: payload.v } : {}),
  };
  await prisma.jobRun.createMany({ data: [{ ...runFor(fn, event.id, event), id: child }], skipDuplicates: true });
  await notify();
  return { child };
}

// ---------- cron ----------

/**
 * Fires every cron slot that is due. Each slot is claimed by compare-and-set on nextAt inside the
 * transaction that creates its run, so concurrent runners fire it exactly once. Missed slots (runner
 * down) fire once, then the schedule continues from now.
 */
export async function fireDueCrons(): Promise<number> {
  const now = new Date();
  const due = await prisma.jobCron.findMany({ where: { nextAt: { lte: now } }, include: { function: true } });
  let fired = 0;
  for (const c of due) {
    const next = nextCronTime(c.cron, now);
    const slot = c.nextAt.toISOString();
    const ok = await prisma.$transaction(async (tx) => {
      const won = await tx.jobCron.updateMany({
        where: { functionId: c.functionId, cron: c.cron, nextAt: c.nextAt },
        data: { nextAt: next },
      });
      if (won.count !== 1) return false;
      const id = `cron_${createHash("sha256").update(`${c.functionId}|${c.cron}|${slot}`).digest("hex").slice(0, 32)}`;
      const event: TRunEvent = { id, name: CRON_EVENT, data: { cron: c.cron }, ts: c.nextAt.getTime() };
      await tx.jobEvent.create({
        data: { id, name: CRON_EVENT, data: event.data as Prisma.InputJsonValue, ts: c.nextAt },
      });
      await tx.jobRun.createMany({ data: [runFor(c.function, id, event)] });
      return true;
    });
    if (ok) fired++;
  }
  return fired;
}

// ---------- runs ----------

/**
 * Leases the oldest due run whose concurrency keys have room, in one UPDATE after a transaction-scoped
 * advisory lock. The lock serialises claims across runner processes: FOR UPDATE SKIP LOCKED alone would
 * stop two runners taking the same run, but not two runners each seeing one free slot of the same
 * concurrency key. A run whose lease expired (its runner died mid-request) is due again.
 */
export async function claimRun(owner: string, leaseMs: number): Promise<JobRun | null> {
  const now = Date.now();
  const [, rows] = await prisma.$transaction([
    prisma.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`),
    prisma.$queryRaw<JobRun[]>`
      WITH used AS (
        SELECT c->>'k' AS k, count(*) AS n
        FROM job_run r, jsonb_array_elements(r.concurrency) c
        WHERE r."leaseUntil" > ${ts(now)} AND r.status IN ('QUEUED', 'RUNNING', 'SLEEPING')
        GROUP BY 1
      ), pick AS (
        SELECT r.id FROM job_run r
        WHERE r.status IN ('QUEUED', 'RUNNING', 'SLEEPING') AND r."nextAt" <= ${ts(now)}
          AND (r."leaseUntil" IS NULL OR r."leaseUntil" < ${ts(now)})
          AND NOT EXISTS (
            SELECT 1 FROM jsonb_array_elements(r.concurrency) c LEFT JOIN used u ON u.k = c->>'k'
            WHERE coalesce(u.n, 0) >= (c->>'l')::int
          )
        ORDER BY r."nextAt", r."createdAt"
        LIMIT 1
      )
      UPDATE job_run r
      SET "leaseOwner" = ${owner}, "leaseUntil" = ${ts(now + leaseMs)}, status = 'RUNNING',
          "startedAt" = coalesce(r."startedAt", ${ts(now)}), "updatedAt" = ${ts(now)}
      FROM pick WHERE r.id = pick.id
      RETURNING r.*`,
  ]);
  return rows[0] ?? null;
}

/** Earliest future moment a run or cron becomes due (to wake exactly then rather than on the next poll). */
export async function nextDueAt(): Promise<Date | null> {
  // Only future times: a due run that is waiting for a concurrency slot is woken by the NOTIFY sent when a
  // slot frees, not by spinning here.
  const now = new Date();
  const [run, cron] = await Promise.all([
    prisma.jobRun.findFirst({
      where: { status: { in: ACTIVE }, leaseOwner: null, nextAt: { gt: now } },
      orderBy: { nextAt: "asc" },
      select: { nextAt: true },
    }),
    prisma.jobCron.findFirst({ where: { nextAt: { gt: now } }, orderBy: { nextAt: "asc" }, select: { nextAt: true } }),
  ]);
  const times = [run?.nextAt, cron?.nextAt].filter((d): d is Date => Boolean(d));
  return times.length ? new Date(Math.min(...times.map((d) => d.getTime()))) : null;
}

/** Writes run state only while `owner` still holds the lease; false means the lease was lost. */
export async function saveRun(id: string, owner: string, data: Prisma.JobRunUpdateManyMutationInput): Promise<boolean> {
  const res = await prisma.jobRun.updateMany({ where: { id, leaseOwner: owner }, data });
  return res.count === 1;
}

export async function notify(): Promise<void> {
  await prisma.$executeRawUnsafe(`NOTIFY ${NOTIFY_CHANNEL}`);
}

export async function recentRuns(opts: { limit: number; functionId?: string; eventId?: string; status?: string }) {
  const status = opts.status && opts.status in JobRunStatus ? (opts.status as JobRunStatus) : undefined;
  const rows = await prisma.jobRun.findMany({
    where: { functionId: opts.functionId, eventId: opts.eventId, status },
    orderBy: { createdAt: "desc" },
    take: Math.min(Math.max(opts.limit, 1), 500),
  });
  return rows.map((r) => ({
    id: r.id,
    functionId: r.functionId,
    eventId: r.eventId,
    eventName: (r.event as TRunEvent).name,
    status: r.status,
    attempt: r.attempt,
    maxAttempts: r.maxAttempts,
    steps: r.stack.length,
    pending: Object.keys(r.pending as object).length,
    nextAt: r.nextAt,
    leaseOwner: r.leaseOwner,
    leaseUntil: r.leaseUntil,
    output: r.output,
    error: r.error,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
  }));
}

/**
 * Deletes what a finished past has left: runs COMPLETED or FAILED before `cutoffMs`, events received before it
 * that no remaining run points to, and expired deduplication keys. In batches, so no statement holds many
 * rows at once. Returns how many of each went.
 */
export async function pruneFinished(
  cutoffMs: number,
  batch = 2000,
): Promise<{ runs: number; events: number; keys: number }> {
  const cutoff = ts(cutoffMs);
  let runs = 0;
  let events = 0;
  for (;;) {
    const n = await prisma.$executeRaw`
      DELETE FROM job_run WHERE id IN (
        SELECT id FROM job_run WHERE status IN ('COMPLETED', 'FAILED') AND "endedAt" < ${cutoff} LIMIT ${batch})`;
    runs += n;
    if (n < batch) break;
  }
  for (;;) {
    const n = await prisma.$executeRaw`
      DELETE FROM job_event WHERE id IN (
        SELECT e.id FROM job_event e WHERE e."receivedAt" < ${cutoff}
          AND NOT EXISTS (SELECT 1 FROM job_run r WHERE r."eventId" = e.id) LIMIT ${batch})`;
    events += n;
    if (n < batch) break;
  }
  const keys = await prisma.$executeRaw`DELETE FROM job_event_key WHERE "expiresAt" < ${ts(Date.now())}`;
  return { runs, events, keys };
}
