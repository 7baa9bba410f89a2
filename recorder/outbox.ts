import fs from "node:fs";
import path from "node:path";
import type { TRecorderWebhook } from "@/lib/recorder/protocol";
import { SIGNATURE_HEADER, signBody } from "@/lib/signing";
import { sleep } from "./sleep";

export type TOutboxOptions = {
  dir: string;
  url: string;
  secret: string;
  log: (m: string) => void;
  /** Longest pause between two attempts of one session's head message. Default 30 s. */
  maxBackoffMs?: number;
  /**
   * Attempts of a message answered 401 or 404 before it is dead-lettered: those can pass (clock skew, a deploy
   * in progress) but a message the app keeps refusing must not hold its session for ever. Default 20.
   */
  refusedAttempts?: number;
  /** How long a message answered 5xx (or not at all) is retried before it is dead-lettered. Default 24 h. */
  maxAgeMs?: number;
  /**
   * The app refused a message with 409 `stale_lease`: another recorder holds the session's lease now. The
   * message is dead-lettered (it names the refused run's stored key) and the recording told to stop.
   */
  onStaleLease?: (sessionId: string, epoch: number) => void;
  /**
   * The spool refused a message (ENOSPC, a read-only disk): it is kept in memory and delivered from there, and
   * its session is told, so the recording stops visibly instead of losing what comes next.
   */
  onSpoolFull?: (sessionId: string, err: Error) => void;
};

export type TDeadLetter = { file: string; sessionId: string; type: string; reason: string; deadAt: string };

type TSessionState = { failures: number; nextAt: number; attempts: Map<string, number> };

/** Sessions whose head messages are sent at once: each delivery waits on the app (a row, an event). */
const DELIVERIES_AT_ONCE = 8;

/**
 * Durable webhook delivery, ordered per recording session. A message is a file written (atomically) before
 * anything is sent and removed only after the app answers 2xx, so a crash or restart loses nothing and resends
 * at most the message that was in flight (the app treats a repeated segment number as a no-op).
 *
 * Each session's messages go in order (segment N before N+1, `session.ended` last), and only its own head
 * message waits when the app refuses or fails it: other sessions' messages keep flowing. Network errors, 5xx,
 * 408 and 429 are retried with backoff for up to `maxAgeMs`; 401 (clock skew, or a signature accepted whose
 * answer was lost) and 404 (a deploy in progress) up to `refusedAttempts` times; any other 4xx at once. A
 * message that runs out is moved to `dead/` with its reason, and the session's next message goes on; dead
 * letters are listed and re-driven (`deadLetters`, `redrive`; the recorder's control API).
 */
export function createOutbox(opts: TOutboxOptions) {
  const pending = path.join(opts.dir, "pending");
  const dead = path.join(opts.dir, "dead");
  fs.mkdirSync(pending, { recursive: true });
  fs.mkdirSync(dead, { recursive: true });
  const stopper = new AbortController();
  const maxBackoff = opts.maxBackoffMs ?? 30_000;
  const refusedAttempts = opts.refusedAttempts ?? 20;
  const maxAge = opts.maxAgeMs ?? 24 * 3600_000;
  let seq = 0;
  let wake: (() => void) | null = null;
  const sessions = new Map<string, TSessionState>();
  /** Session of each pending file (read once). */
  const sessionOf = new Map<string, string>();
  /** Messages the spool could not take (disk full): pending all the same, until delivered or the process ends. */
  const inMemory = new Map<string, string>();

  const list = () =>
    [
      ...fs
        .readdirSync(pending)
        .filter((f) => f.endsWith(".json"))
        .filter((f) => !inMemory.has(f)),
      ...inMemory.keys(),
    ].sort();

  /** A pending message's body, from memory or its file. */
  const read = (name: string) => inMemory.get(name) ?? fs.readFileSync(path.join(pending, name), "utf8");

  /** Delivered or buried: gone from pending. */
  function drop(name: string) {
    if (!inMemory.delete(name)) fs.rmSync(path.join(pending, name), { force: true });
    sessionOf.delete(name);
  }

  /** Queued: written to the spool first; a spool that refuses (disk full) leaves it in memory, never dropped. */
  function enqueue(message: TRecorderWebhook): void {
    // Time first so files sort in creation order across restarts; seq orders messages within one millisecond.
    const name = `${Date.now().toString().padStart(15, "0")}-${String(seq++).padStart(6, "0")}.json`;
    const tmp = path.join(opts.dir, `${name}.tmp`);
    const body = JSON.stringify(message);
    try {
      fs.writeFileSync(tmp, body);
      fs.renameSync(tmp, path.join(pending, name));
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      inMemory.set(name, body);
      opts.log(`outbox: ${message.type} of ${message.sessionId} kept in memory (${(err as Error).message})`);
      opts.onSpoolFull?.(message.sessionId, err as Error);
    }
    sessionOf.set(name, message.sessionId);
    poke();
  }

  function sessionFor(name: string): string {
    let s = sessionOf.get(name);
    if (s === undefined) {
      try {
        s = String((JSON.parse(read(name)) as { sessionId?: unknown }).sessionId);
      } catch {
        s = "";
      }
      sessionOf.set(name, s);
    }
    return s;
  }

  type TResult =
    | { kind: "sent" }
    | { kind: "retry"; refused: boolean; why: string }
    | { kind: "dead"; why: string }
    | { kind: "stale"; why: string };

  async function deliver(name: string): Promise<TResult> {
    const body = read(name);
    try {
      const res = await fetch(opts.url, {
        method: "POST",
        headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signBody(opts.secret, body) },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(15_000), stopper.signal]),
      });
      const text = await res.text().catch(() => "");
      if (res.ok) return { kind: "sent" };
      const why = `answered ${res.status}: ${text.slice(0, 200)}`;
      if (res.status === 409 && text.includes('"stale_lease"')) return { kind: "stale", why };
      if (res.status >= 500 || res.status === 408 || res.status === 429) return { kind: "retry", refused: false, why };
      // "replayed": an earlier attempt with this very signature was accepted but its answer lost; the next
      // attempt is signed anew and answered as a duplicate. Other 401s (a clock off by minutes) and 404s (the
      // app mid-deploy) may pass too, within a bound.
      if (res.status === 401 || res.status === 404) return { kind: "retry", refused: true, why };
      return { kind: "dead", why };
    } catch (err) {
      return { kind: "retry", refused: false, why: (err as Error).message };
    }
  }

  function epochOf(name: string): number {
    try {
      return Number((JSON.parse(read(name)) as { epoch?: unknown }).epoch ?? 0);
    } catch {
      return 0;
    }
  }

  function bury(name: string, reason: string) {
    const sessionId = sessionFor(name);
    let type = "";
    try {
      type = String((JSON.parse(read(name)) as { type?: unknown }).type);
    } catch {
      // unreadable: dead-lettered all the same
    }
    const meta: TDeadLetter = { file: name, sessionId, type, reason, deadAt: new Date().toISOString() };
    const memory = inMemory.get(name);
    try {
      fs.writeFileSync(path.join(dead, `${name}.meta`), JSON.stringify(meta));
      if (memory === undefined) fs.renameSync(path.join(pending, name), path.join(dead, name));
      else fs.writeFileSync(path.join(dead, name), memory);
    } catch (err) {
      // A full spool cannot keep the dead letter: its whole text goes to the log instead.
      opts.log(`dead letter ${name} not kept (${(err as Error).message}): ${memory ?? ""}`);
    }
    inMemory.delete(name);
    opts.log(`webhook ${type || name} of ${sessionId} dead-lettered (${reason}); its session's next message goes on`);
  }

  /** Sessions whose head message is being delivered, and those deliveries. */
  const inFlight = new Map<string, Promise<void>>();

  /**
   * Starts delivering the head message of every session that is due and not already in flight, up to
   * DELIVERIES_AT_ONCE at a time, without waiting for them: one slow answer holds back only its own session.
   * Returns when the next session's backoff ends (ms from now); a delivery that ends wakes the loop.
   */
  function round(): number {
    const heads = new Map<string, string>();
    for (const name of list()) {
      const s = sessionFor(name);
      if (!heads.has(s)) heads.set(s, name);
    }
    for (const s of sessions.keys()) if (!heads.has(s) && !inFlight.has(s)) sessions.delete(s);
    let nextIn = 1000;
    for (const [s, name] of heads) {
      if (inFlight.has(s)) continue;
      const st = sessions.get(s) ?? { failures: 0, nextAt: 0, attempts: new Map() };
      sessions.set(s, st);
      const wait = st.nextAt - Date.now();
      if (wait > 0) nextIn = Math.min(nextIn, wait);
      else if (inFlight.size < DELIVERIES_AT_ONCE && !stopper.signal.aborted) {
        const delivery = deliver(name)
          // In flight at shutdown: stays pending, resent on restart.
          .then((r) => {
            if (!stopper.signal.aborted) settle(s, name, st, r);
          })
          .catch((err) => opts.log(`outbox: ${(err as Error).message}`))
          .finally(() => {
            inFlight.delete(s);
            poke();
          });
        inFlight.set(s, delivery);
      }
    }
    return nextIn;
  }

  /** Applies one delivery's outcome to its session (its backoff after a failure). */
  function settle(s: string, name: string, st: TSessionState, r: TResult): void {
    const attempts = (st.attempts.get(name) ?? 0) + 1;
    const age = Date.now() - Number(name.slice(0, 15));
    if (r.kind === "sent") {
      drop(name);
    } else if (r.kind === "stale") {
      const epoch = epochOf(name);
      bury(name, `${r.why} (the session's lease moved to another recorder)`);
      sessionOf.delete(name);
      opts.onStaleLease?.(s, epoch);
    } else if (r.kind === "dead" || (r.refused && attempts >= refusedAttempts) || (!r.refused && age > maxAge)) {
      bury(name, r.kind === "dead" ? r.why : `${r.why}; gave up after ${attempts} attempts`);
      sessionOf.delete(name);
    } else {
      if (st.failures === 0) opts.log(`webhook for ${s} ${r.why}; will retry`);
      st.attempts.set(name, attempts);
      st.failures++;
      st.nextAt = Date.now() + Math.min(maxBackoff, 250 * 2 ** Math.min(st.failures, 10));
      return;
    }
    st.attempts.delete(name);
    st.failures = 0;
    st.nextAt = 0;
  }

  /** Something changed (a message enqueued or re-driven, a delivery ended): the loop looks again at once. */
  let poked = false;
  function poke() {
    poked = true;
    wake?.();
  }

  /** Waits for `ms`, or less when poked or the outbox stops. */
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      if (poked) return resolve();
      wake = resolve;
      void sleep(ms, stopper.signal).then(resolve);
    }).finally(() => (wake = null));

  const loop = (async () => {
    while (!stopper.signal.aborted) {
      poked = false;
      let nextIn: number;
      try {
        nextIn = round();
      } catch (err) {
        // A file vanished or the disk refused a write: log it, never let the loop (or the process) die.
        opts.log(`outbox: ${(err as Error).message}`);
        nextIn = 1000;
      }
      await nap(Math.min(nextIn, 1000));
    }
    await Promise.all(inFlight.values());
  })();

  /** Dead-lettered messages, oldest first, with why each was given up. */
  function deadLetters(): TDeadLetter[] {
    return fs
      .readdirSync(dead)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => {
        try {
          return JSON.parse(fs.readFileSync(path.join(dead, `${f}.meta`), "utf8")) as TDeadLetter;
        } catch {
          return {
            file: f,
            sessionId: "",
            type: "",
            reason: "unknown (dead-lettered by an older recorder)",
            deadAt: "",
          };
        }
      });
  }

  /** Puts dead letters (all, or the named files) back in line; returns how many. */
  function redrive(files?: string[]): number {
    let n = 0;
    for (const f of files ?? deadLetters().map((d) => d.file)) {
      if (!/^[0-9]{15}-[0-9]{6}\.json$/.test(f) || !fs.existsSync(path.join(dead, f))) continue;
      fs.renameSync(path.join(dead, f), path.join(pending, f));
      fs.rmSync(path.join(dead, `${f}.meta`), { force: true });
      n++;
    }
    if (n) poke();
    return n;
  }

  return {
    enqueue,
    /** Messages not yet delivered. */
    size: () => list().length,
    deadLetters,
    redrive,
    async stop() {
      stopper.abort();
      await loop;
    },
  };
}
export type TOutbox = ReturnType<typeof createOutbox>;
