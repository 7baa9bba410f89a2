import fs from "node:fs";
import path from "node:path";
import { SIGNATURE_HEADER, signBody } from "@/lib/signing";

/**
 * Durable, ordered webhook delivery. A message is a file written (atomically) before anything is sent and
 * removed only after the app answers 2xx, so a crash or restart loses nothing and resends at most the
 * message that was in flight (the app treats repeats as no-ops). 5xx, 408, 429 and network errors are
 * retried with backoff; other 4xx mean the app will never accept it: the file moves to `dead/`.
 */
export function createOutbox(opts: { dir: string; url: string; secret: string; log: (m: string) => void; maxBackoffMs?: number }) {
  const pending = path.join(opts.dir, "pending");
  const dead = path.join(opts.dir, "dead");
  fs.mkdirSync(pending, { recursive: true });
  fs.mkdirSync(dead, { recursive: true });
  let seq = 0;
  let wake: (() => void) | null = null;
  let stopped = false;
  let failures = 0;

  function enqueue(message: unknown): void {
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
        signal: AbortSignal.timeout(15_000),
      });
      if (res.ok) return "sent";
      if (res.status >= 500 || res.status === 408 || res.status === 429) return "retry";
      opts.log(`webhook refused with ${res.status}: ${(await res.text()).slice(0, 200)} — moved to dead/`);
      return "dead";
    } catch (err) {
      if (failures === 0) opts.log(`webhook delivery failed (${(err as Error).message}); will retry`);
      return "retry";
    }
  }

  const loop = (async () => {
    while (!stopped) {
      const next = fs.readdirSync(pending).filter((f) => f.endsWith(".json")).sort()[0];
      if (!next) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 1000);
        });
        wake = null;
        continue;
      }
      const file = path.join(pending, next);
      const result = await deliver(file);
      if (result === "sent") {
        fs.rmSync(file, { force: true });
        failures = 0;
      } else if (result === "dead") {
        fs.renameSync(file, path.join(dead, next));
      } else {
        failures++;
        const delay = Math.min(opts.maxBackoffMs ?? 30_000, 250 * 2 ** Math.min(failures, 10));
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, delay);
        });
        wake = null;
      }
    }
  })();

  return {
    enqueue,
    /** Messages not yet delivered. */
    size: () => fs.readdirSync(pending).filter((f) => f.endsWith(".json")).length,
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
export type TOutbox = ReturnType<typeof createOutbox>;
