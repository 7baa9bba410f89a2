import "server-only";
import { AppError } from "@/lib/http/errors";
import { getPushHub } from "./get-push-hub";
import type { TPushEvent } from "./push-event";

/** Open streams one user may hold in this process (tabs × pages); the next one is refused with 429. */
export const MAX_STREAMS_PER_USER = 8;
/** A stream ends after this; EventSource reconnects on its own (after `retry`), re-checking the session. */
export const STREAM_LIFETIME_MS = 5 * 60 * 1000;
/** A comment line this often keeps proxies from closing an idle stream and detects gone clients. */
export const HEARTBEAT_MS = 15_000;
const RETRY_MS = 2_000;

const encoder = new TextEncoder();
const frame = (event: string, data: unknown) => encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

/**
 * The body of GET /api/events for a signed-in user: `ready` once LISTEN is up, then one `change` per row
 * change of theirs ({ table, op, id, sessionId, status }), and `resync` when events may have been missed.
 * Ends after STREAM_LIFETIME_MS, or when the client goes away (`signal`).
 */
export async function openEventStream(userId: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const hub = getPushHub();
  if (hub.count(userId) >= MAX_STREAMS_PER_USER)
    throw new AppError("rate_limited", `At most ${MAX_STREAMS_PER_USER} live update streams at once.`);
  let stopped = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => void (controller = c),
    cancel: () => stop(),
  });
  const send = (chunk: Uint8Array) => {
    try {
      controller.enqueue(chunk);
    } catch {
      stop();
    }
  };
  const unsubscribe = await hub.subscribe(userId, {
    onEvent: ({ userId: _, ...e }: TPushEvent) => send(frame("change", e)),
    onResync: () => send(frame("resync", {})),
  });
  const heartbeat = setInterval(() => send(encoder.encode(": ping\n\n")), HEARTBEAT_MS);
  const lifetime = setTimeout(() => stop(), STREAM_LIFETIME_MS);
  function stop() {
    if (stopped) return;
    stopped = true;
    clearInterval(heartbeat);
    clearTimeout(lifetime);
    unsubscribe();
    signal.removeEventListener("abort", stop);
    try {
      controller.close();
    } catch {
      // already closed or cancelled
    }
  }
  signal.addEventListener("abort", stop);
  if (signal.aborted) stop();
  else {
    send(encoder.encode(`retry: ${RETRY_MS}\n\n`));
    send(frame("ready", {}));
  }
  return stream;
}
