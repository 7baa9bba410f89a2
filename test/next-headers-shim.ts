import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What `next/headers` gives a route handler inside Next: the incoming request's headers. test/app-server.ts
 * runs each request inside `requestScope`, so the app's real auth code (better-auth sessions in PostgreSQL)
 * reads the real cookie of the request it serves. Nothing else of Next is replaced.
 */
export const requestScope = new AsyncLocalStorage<Headers>();

function current(): Headers {
  const h = requestScope.getStore();
  if (!h) throw new Error("`headers` was called outside a request scope.");
  return h;
}

export async function headers(): Promise<Headers> {
  return current();
}

export async function cookies() {
  const h = current();
  const jar = new Map<string, string>();
  for (const part of (h.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) jar.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
  }
  return {
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    has: (name: string) => jar.has(name),
    set: () => {},
    delete: () => {},
  };
}
