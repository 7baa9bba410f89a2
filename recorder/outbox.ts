import fs from "node:fs";
import path from "node:path";
import type { TRecorderWebhook } from "@/lib/recorder/protocol";
import { SIGNATURE_HEADER, signBody } from "@/lib/signing";
import { sleep } from "./sleep";

/**
 * Durable, ordered webhook delivery. A message is a file written (atomically) before anything is sent and
 * removed only after the app answers 2xx, so a crash or restart loses nothing and resends at most the
 * message that was in flight (the app treats a repeated segment number as a no-op). Network errors, 5xx,
 * 408 and 429 are retried with backoff; any other 4xx means the app will never accept the message: it is
 * logged and moved to `dead/` (kept for inspection, never resent).
 *
 * Delivery is strictly in order (head-of-line): the app sees segment N before N+1 and `session.ended` last.
 */
export function createOutbox(opts: {
  dir: string;
  url: string;
  secret: string;
  log: (m: string) => void;
  maxBackoffMs?: number;
}) {
  const pending = path.join(opts.dir, "pending");
  const dead = path.join(opts.dir, "dead");
  fs.mkdirSync(pending, { recursive: true });
  fs.mkdirSync(dead, { recursive: true });
  const stopper = new AbortController();
  let seq = 0;
  let wake: (() => void) | null = null;
  let failures = 0;

  const list = () =>
    fs
      .readdirSync(pending)
      .filter((f) => f.endsWith(".json"))
      .sort();

  function enqueue(message: TRecorderWebhook): void {
    // Time first so files sort in creation order across restarts; seq orders messages within one millisecond.
    const name = `${Date.now().toString().padStart(15, "0")}-${String(seq++).padStart(6, "0")}.json`;
    const tmp = path.join(opts.dir, `${name}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(message));
    fs.renameSync(tmp, path.join(pending, name));
    wake?.();
  }

  async function deliver(file: string): Promise<"sent" | "retry" | "dead"> {
    const body = fs.readFileSync(file, "utf8");
    try {
      const res = await fetch(opts.url, {
        method: "POST",
        headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signBody(opts.secret, body) },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(15_000), stopper.signal]),
      });
      const text = await res.text().catch(() => "");
      if (res.ok) return "sent";
      // "replayed": an earlier attempt with this very signature (same second) was accepted but its answer lost;
      // the next attempt is signed anew and answered as a duplicate.
      if (
        res.status >= 500 ||
        res.status === 408 ||
        res.status === 429 ||
        (res.status === 401 && text.includes("(replayed)"))
      ) {
        if (failures === 0) opts.log(`webhook answered ${res.status}; will retry`);
        return "retry";
      }
      opts.log(
        `webhook refused with ${res.status}: ${text.slice(0, 200)} (dropped: ${path.basename(file)} moved to dead/)`,
      );
      return "dead";
    } catch (err) {
      if (failures === 0 && !stopper.signal.aborted)
        opts.log(`webhook delivery failed (${(err as Error).message}); will retry`);
      return "retry";
    }
  }

  /** Waits for `ms`, or less when a message is enqueued or the outbox stops. */
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      void sleep(ms, stopper.signal).then(resolve);
    }).finally(() => (wake = null));

  const loop = (async () => {
    while (!stopper.signal.aborted) {
      const next = list()[0];
      if (!next) {
        await nap(1000);
        continue;
      }
      const file = path.join(pending, next);
      const result = await deliver(file);
      if (stopper.signal.aborted) break; // in flight at shutdown: stays pending, resent on restart
      if (result === "sent") {
        fs.rmSync(file, { force: true });
        failures = 0;
      } else if (result === "dead") {
        fs.renameSync(file, path.join(dead, next));
        failures = 0;
      } else {
        failures++;
        await sleep(Math.min(opts.maxBackoffMs ?? 30_000, 250 * 2 ** Math.min(failures, 10)), stopper.signal);
      }
    }
  })();

  return {
    enqueue,
    /** Messages not yet delivered. */
    size: () => list().length,
    async stop() {
      stopper.abort();
      await loop;
    },
  };
}
export type TOutbox = ReturnType<typeof createOutbox>;
