/** The runner's HTTP API: event ingest (POST /e/:key), app registration, health and recent runs. */
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { AppSync } from "./app-sync";
import { ZIncomingEvents, headers as H, parseJson } from "./protocol";
import type { Scheduler } from "./scheduler";
import { ingestEvents, log, recentRuns, registerApp } from "./store";

async function readBody(req: http.IncomingMessage, limit = 16 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw Object.assign(new Error("body too large"), { status: 413 });
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The keys the runner's API asks for, as Inngest's own server does: the SDK registers with
 * `Authorization: Bearer <hashed signing key>` (hashSigningKey: the prefix kept, SHA-256 of the hex key) and
 * sends events to `/e/<event key>`. Unset: the API is open (the default, on loopback).
 */
export type TRunnerApiKeys = { signingKey?: string; signingKeyFallback?: string; eventKey?: string };

/** Inngest's hashSigningKey (inngest/helpers/strings): `signkey-<env>-` + sha256 of the key's bytes. */
export function hashSigningKey(key: string): string {
  const prefix = /^signkey-\w+-/.exec(key)?.[0] ?? "";
  return `${prefix}${createHash("sha256").update(key.slice(prefix.length), "hex").digest("hex")}`;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class RunnerApi {
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly bearers: string[];

  constructor(
    private readonly workerId: string,
    private readonly serveUrl: URL,
    private readonly scheduler: Scheduler,
    private readonly sync: AppSync,
    private readonly keys: TRunnerApiKeys = {},
  ) {
    this.bearers = [keys.signingKey, keys.signingKeyFallback].filter((k): k is string => !!k).map(hashSigningKey);
  }

  /** With a signing key set: the request carries one of its hashes as a bearer token (as the SDK sends it). */
  private signed(req: http.IncomingMessage): boolean {
    if (!this.bearers.length) return true;
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "");
    return !!m && this.bearers.some((b) => sameText(b, m[1]));
  }

  /** Listens and returns the runner's URL. */
  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    return `http://${addr.address.includes(":") ? `[${addr.address}]` : addr.address}:${addr.port}`;
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://runner");
    try {
      const event = /^\/e\/([^/]*)\/?$/.exec(url.pathname);
      if (req.method === "POST" && event) {
        if (this.keys.eventKey && !sameText(decodeURIComponent(event[1]), this.keys.eventKey))
          return send(res, 401, { ids: [], status: 401, error: "Event key not found" });
        return await this.ingest(req, res);
      }
      // Registration and the run list: only with the signing key, when one is set (health stays open).
      if (url.pathname !== "/health" && !this.signed(req))
        return send(res, 401, { error: { code: "unauthorized", message: "A valid signing key is required." } });
      if (req.method === "POST" && url.pathname === "/fn/register") return await this.register(req, res);
      if (req.method === "GET" && url.pathname === "/health") {
        const { workerId, scheduler } = this;
        const health = { status: "ok", workerId, serveUrl: this.serveUrl.href, synced: this.sync.synced };
        return send(res, 200, { ...health, activeRuns: scheduler.activeRuns, runsHandled: scheduler.runsHandled });
      }
      if (req.method === "GET" && url.pathname === "/runs") return await this.runs(url, res);
      return send(res, 404, { error: { code: "not_found", message: `${req.method} ${url.pathname}` } });
    } catch (err) {
      const status =
        (err as { status?: number }).status ?? (err instanceof Error && err.name === "ZodError" ? 400 : 500);
      if (status >= 500) log(`${req.method} ${url.pathname} failed: ${(err as Error).message}`);
      return send(res, status, { status, error: status >= 500 ? "internal error" : (err as Error).message });
    }
  }

  private async ingest(req: http.IncomingMessage, res: http.ServerResponse) {
    const parsed = ZIncomingEvents.safeParse(parseJson(await readBody(req)));
    if (!parsed.success) return send(res, 400, { ids: [], status: 400, error: parsed.error.message });
    const events = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
    const seed = req.headers[H.eventIdSeed];
    const { ids } = await ingestEvents(events, { seed: typeof seed === "string" ? seed : undefined });
    void this.scheduler.pump();
    return send(res, 200, { ids, status: 200 });
  }

  private async register(req: http.IncomingMessage, res: http.ServerResponse) {
    const { modified, functions } = await registerApp(parseJson(await readBody(req)));
    this.scheduler.forgetFunctions();
    this.sync.registered(functions);
    void this.scheduler.pump({ crons: true });
    return send(res, 200, { ok: true, status: 200, modified });
  }

  private async runs(url: URL, res: http.ServerResponse) {
    const runs = await recentRuns({
      limit: Number(url.searchParams.get("limit") ?? 50) || 50,
      functionId: url.searchParams.get("functionId") ?? undefined,
      eventId: url.searchParams.get("eventId") ?? undefined,
      status: url.searchParams.get("status") ?? undefined,
    });
    return send(res, 200, { runs });
  }
}
