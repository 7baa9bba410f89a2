import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { notifyClipReady } from "./clip-notifications";
import { pushInvalidations, type TPushChange } from "./push-invalidations";
import { setPushConnected } from "./use-push-status";

/** After the server refused the stream (signed out, 429), try again after 5 s, doubling up to 60 s. */
const REOPEN_MS = [5_000, 60_000] as const;
/** Changes arriving together (a render updates a clip several times) cost one refetch per query. */
const BATCH_MS = 50;

/**
 * Listens to GET /api/events (Server-Sent Events) and invalidates the queries each row change affects, so
 * open pages refetch at once instead of on their next poll. While the stream is up, polls slow to 30 s
 * (usePollMs); when it drops they return to their own interval. Mount once (components/providers.tsx).
 */
export function usePushUpdates() {
  const qc = useQueryClient();
  const pathname = usePathname();
  const router = useRouter();
  /** Reopens a refused stream at once: a navigation (e.g. signing in) may have changed the answer. */
  const retryNow = useRef<() => void>(() => {});
  useEffect(() => retryNow.current(), [pathname]);
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    let source: EventSource | undefined;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    let flush: ReturnType<typeof setTimeout> | undefined;
    const pending = new Map<string, QueryKey>();
    let opened = false;
    const invalidate = (keys: QueryKey[]) => {
      for (const k of keys) pending.set(JSON.stringify(k), k);
      flush ??= setTimeout(() => {
        flush = undefined;
        const batch = [...pending.values()];
        pending.clear();
        for (const queryKey of batch) void qc.invalidateQueries({ queryKey });
      }, BATCH_MS);
    };
    let refused = 0;
    const open = () => {
      reopen = undefined;
      source = new EventSource("/api/events");
      source.addEventListener("ready", () => {
        refused = 0;
        setPushConnected(true);
        // Whatever changed while an earlier stream was down was not pushed: refetch what is on screen.
        if (opened) void qc.invalidateQueries();
        opened = true;
      });
      source.addEventListener("change", (m) => {
        try {
          const change = JSON.parse((m as MessageEvent<string>).data) as TPushChange;
          invalidate(pushInvalidations(change));
          void notifyClipReady(change, (path) => router.push(path)).catch(() => {});
        } catch {
          // a malformed frame: the poll still covers it
        }
      });
      source.addEventListener("resync", () => void qc.invalidateQueries());
      source.onerror = () => {
        setPushConnected(false);
        // CONNECTING: the browser retries by itself (the stream's 5-minute end lands here too). CLOSED: the
        // server answered with an error status; reopen later ourselves.
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          reopen = setTimeout(open, Math.min(REOPEN_MS[0] * 2 ** refused++, REOPEN_MS[1]));
        }
      };
    };
    retryNow.current = () => {
      if (!reopen) return;
      clearTimeout(reopen);
      open();
    };
    open();
    return () => {
      retryNow.current = () => {};
      source?.close();
      if (reopen) clearTimeout(reopen);
      if (flush) clearTimeout(flush);
      setPushConnected(false);
    };
  }, [qc, router]);
}
