import { useSyncExternalStore } from "react";

/** Poll interval of a query while the push channel is up: polling is then only the fallback. */
export const PUSHED_POLL_MS = 30_000;

let connected = false;
const listeners = new Set<() => void>();

/** Set by usePushUpdates; mirrored on `<html data-push="on|off">` (tests and debugging read it). */
export function setPushConnected(on: boolean) {
  if (on === connected) return;
  connected = on;
  if (typeof document !== "undefined") document.documentElement.dataset.push = on ? "on" : "off";
  for (const l of listeners) l();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => void listeners.delete(l);
};

/** `ms` while polling carries the updates, PUSHED_POLL_MS while the push channel does. */
export function usePollMs(ms: number): number {
  const on = useSyncExternalStore(
    subscribe,
    () => connected,
    () => false,
  );
  return on ? Math.max(ms, PUSHED_POLL_MS) : ms;
}
