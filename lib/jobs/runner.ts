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
import { randomUUID } from "node:crypto";
import { AppSync } from "./app-sync";
import { RunnerApi, type TRunnerApiKeys } from "./runner-api";
import { runnerSigningSecret } from "./runner-auth";
import { Scheduler } from "./scheduler";
import { log, pruneFinished } from "./store";

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
  /** Finished runs, and events no run points to, are deleted this many hours after (hourly). 0 = kept. Default 72. */
  retentionHours?: number;
  /**
   * The runner's own HTTP API asks for these when set (runner-api.ts): the signing key for registration and the
   * run list, the event key for event ingest. `lib/jobs/server.ts` passes INNGEST_SIGNING_KEY(_FALLBACK) and
   * INNGEST_EVENT_KEY.
   */
  apiKeys?: TRunnerApiKeys;
};

export type TRunner = { url: string; workerId: string; stop(): Promise<void> };

/**
 * Starts the embedded runner: the scheduler (scheduler.ts, one RunExecution per claimed run), its HTTP API
 * (runner-api.ts) and app sync (app-sync.ts).
 */
export async function startRunner(opts: TRunnerOptions): Promise<TRunner> {
  const workerId = opts.workerId ?? `runner-${process.pid}-${randomUUID().slice(0, 6)}`;
  const pollMs = opts.pollMs ?? 1000;
  const serveUrl = new URL(opts.serveUrl);
  const signingSecret = opts.signingSecret ?? runnerSigningSecret();
  const scheduler = new Scheduler({
    workerId,
    pollMs,
    backoffBaseMs: opts.backoffBaseMs ?? 2000,
    leaseMs: opts.leaseMs ?? 30_000,
    maxConcurrentRuns: opts.maxConcurrentRuns ?? 16,
    signingSecret,
  });
  scheduler.startHeartbeat();
  const sync = new AppSync(serveUrl, signingSecret, opts.syncIntervalMs ?? 60_000);
  const api = new RunnerApi(workerId, serveUrl, scheduler, sync, opts.apiKeys);
  const url = await api.listen(opts.port ?? 8288, opts.host ?? "127.0.0.1");
  sync.start(url);
  await scheduler.listen();
  log(`runner ${workerId} listening on ${url}, serving ${serveUrl.href}`);
  void scheduler.pump();
  const retentionHours = opts.retentionHours ?? 72;
  const prune = async () => {
    try {
      const gone = await pruneFinished(Date.now() - retentionHours * 3_600_000);
      if (gone.runs || gone.events) log(`pruned ${gone.runs} finished runs and ${gone.events} events`);
    } catch (err) {
      log(`pruning failed: ${(err as Error).message}`);
    }
  };
  // A minute after start (not in the way of start-up), then hourly.
  const pruneTimers = retentionHours > 0 ? [setTimeout(prune, 60_000), setInterval(prune, 3_600_000)] : [];
  for (const t of pruneTimers) t.unref();

  async function shutdown() {
    for (const t of pruneTimers) clearTimeout(t);
    sync.stop();
    await scheduler.drain();
    await api.close();
    await scheduler.close();
  }
  let stopped: Promise<void> | undefined;
  return {
    url,
    workerId,
    stop() {
      stopped ??= shutdown();
      return stopped;
    },
  };
}
