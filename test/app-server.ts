import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { CLIENT_IP_HEADER, clientIpResolver } from "@/lib/net/resolve-client-ip";
import { requestScope } from "./next-headers-shim";

type THandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type TRoutes = Record<string, Partial<Record<string, THandler>>>;

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** Every route.ts under app/api on disk as its URL pattern (`/api/streamers/[id]`), sorted. */
export function apiRouteFiles(root = path.resolve(__dirname, "..")): { pattern: string; file: string }[] {
  const out: { pattern: string; file: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^route\.(ts|tsx|js)$/.test(e.name)) {
        out.push({ pattern: "/" + path.relative(path.join(root, "app"), dir).split(path.sep).join("/"), file: p });
      }
    }
  };
  walk(path.join(root, "app", "api"));
  return out.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** Imports every API route module and returns its exported method handlers, keyed by URL pattern. */
export async function loadApiRoutes(): Promise<TRoutes> {
  const routes: TRoutes = {};
  for (const { pattern, file } of apiRouteFiles()) {
    const mod = (await import(file)) as Record<string, unknown>;
    routes[pattern] = Object.fromEntries(
      HTTP_METHODS.filter((m) => typeof mod[m] === "function").map((m) => [m, mod[m] as THandler]),
    );
  }
  return routes;
}

/** `/api/streamers/[id]` matches `/api/streamers/abc` → { id: "abc" }; `[...key]` takes the rest as an array. */
function match(pattern: string, pathname: string): Record<string, string | string[]> | null {
  const pp = pattern.split("/");
  const sp = pathname.split("/");
  const params: Record<string, string | string[]> = {};
  for (let i = 0; i < pp.length; i++) {
    const catchAll = /^\[\.\.\.(\w+)\]$/.exec(pp[i]);
    if (catchAll) {
      if (i >= sp.length) return null;
      params[catchAll[1]] = sp.slice(i);
      return params;
    }
    if (i >= sp.length) return null;
    const dyn = /^\[(\w+)\]$/.exec(pp[i]);
    if (dyn) params[dyn[1]] = decodeURIComponent(sp[i]);
    else if (pp[i] !== sp[i]) return null;
  }
  return pp.length === sp.length ? params : null;
}

/**
 * Serves real Next.js route handlers (Web Request → Response) on a plain Node server, so integration tests
 * can run the app's own endpoints without a Next build. Keys may be patterns with `[param]` / `[...param]`
 * segments; static keys win over patterns. Each request runs in the `next/headers` request scope.
 */
export async function startRouteServer(routes: TRoutes, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    let handler = routes[url.pathname]?.[req.method ?? "GET"];
    let params: Record<string, string | string[]> = {};
    if (!handler) {
      for (const [pattern, methods] of Object.entries(routes)) {
        const m = pattern.includes("[") ? match(pattern, url.pathname) : null;
        if (m && methods[req.method ?? "GET"]) {
          handler = methods[req.method ?? "GET"];
          params = m;
          break;
        }
      }
    }
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    // As scripts/serve.mjs does: the client's address from the socket, or X-Forwarded-For from TRUSTED_PROXIES.
    headers.set(CLIENT_IP_HEADER, clientIpResolver(process.env.TRUSTED_PROXIES)(req));
    // Like Next.js: the request's signal aborts when the client goes away (long-lived streams stop on it).
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    try {
      const request = new Request(url, {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
        signal: gone.signal,
      });
      const response = await requestScope.run(headers, () =>
        handler(request, { params: Promise.resolve(params as Record<string, string>) }),
      );
      const out: Record<string, string | string[]> = Object.fromEntries(response.headers);
      if (response.headers.getSetCookie().length) out["set-cookie"] = response.headers.getSetCookie();
      res.writeHead(response.status, out);
      if (!response.body) {
        res.end();
        return;
      }
      // Streamed, not buffered: Server-Sent Events (GET /api/events) never end on their own.
      res.flushHeaders();
      const reader = response.body.getReader();
      gone.signal.addEventListener("abort", () => void reader.cancel().catch(() => {}));
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
      res.end();
    } catch (err) {
      if (res.headersSent) res.destroy();
      else res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const FREE_PORT_RANGE = { from: 20_000, to: 32_000 };

/**
 * Reserves free loopback ports (so every service's URL can be configured before anything starts). They are
 * picked below the kernel's ephemeral range (ip_local_port_range, 32768–60999 here): a port the kernel handed
 * out and took back could be given to any outgoing connection (the tests' own PostgreSQL and HTTP clients)
 * before its service listens on it, which failed a suite's setup with EADDRINUSE.
 */
export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const port = FREE_PORT_RANGE.from + Math.floor(Math.random() * (FREE_PORT_RANGE.to - FREE_PORT_RANGE.from));
    if (ports.includes(port)) continue;
    const s = http.createServer();
    const bound = await new Promise<boolean>((r) => {
      s.once("error", () => r(false));
      s.listen(port, "127.0.0.1", () => r(true));
    });
    if (!bound) continue;
    await new Promise((r) => s.close(r));
    ports.push(port);
  }
  return ports;
}
