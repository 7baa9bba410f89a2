/**
 * A small in-process cache: entries expire `ttlMs` after they were set, and past `max` entries the oldest is
 * dropped. `now` is injectable for tests.
 */
export function createTtlCache<V>(opts: { ttlMs: number; max: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { value: V; expires: number }>();
  return {
    get(key: string): V | undefined {
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.expires <= now()) {
        entries.delete(key);
        return undefined;
      }
      return e.value;
    },
    set(key: string, value: V, ttlMs = opts.ttlMs): void {
      entries.delete(key);
      entries.set(key, { value, expires: now() + ttlMs });
      while (entries.size > opts.max) entries.delete(entries.keys().next().value!);
    },
    delete(key: string): void {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
