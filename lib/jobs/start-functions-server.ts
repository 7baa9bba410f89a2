import "server-only";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { handleApiError } from "@/lib/http/errors";
import { serveFunctions } from "./serve-functions";
import { INNGEST_MAX_BODY_BYTES } from "./verify-runner-request";

export type TFunctionsServer = { url: string; close(): Promise<void> };

/** A Node request as a Web Request (streamed body: the guard bounds what it reads). */
function toWebRequest(req: http.IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const url = `http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: "half",
  } as RequestInit);
}

async function send(res: http.ServerResponse, response: Response) {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((v, k) => (headers[k] = v));
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  res.writeHead(response.status, { ...headers, "content-length": String(body.length) }).end(body);
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  const path = (req.url ?? "/").split("?")[0];
  if (path === "/health" && req.method === "GET") {
    return send(res, Response.json({ status: "ok" }));
  }
  const method = req.method ?? "";
  const handler =
    path === "/api/inngest" && Object.hasOwn(serveFunctions, method)
      ? serveFunctions[method as keyof typeof serveFunctions]
      : undefined;
  if (!handler) {
    const code = path === "/api/inngest" ? 405 : 404;
    return send(
      res,
      Response.json(
        { error: { code: code === 405 ? "bad_request" : "not_found", message: `${req.method} ${path}` } },
        { status: code },
      ),
    );
  }
  await send(res, await handler(toWebRequest(req)));
  discardRest(req);
}

/**
 * A request answered before its body was read to the end (413, 401): Node's own discarding of an unread body
 * does not apply once the body was handed to a Web stream, which then holds it paused, and a client still
 * sending would wait for ever. Reads the rest into nothing, and drops a connection that sends more than
 * another INNGEST_MAX_BODY_BYTES.
 */
function discardRest(req: http.IncomingMessage) {
  if (req.complete) return;
  let discarded = 0;
  req.removeAllListeners("data");
  req.on("data", (d: Buffer) => {
    discarded += d.byteLength;
    if (discarded > INNGEST_MAX_BODY_BYTES) req.socket.destroy();
  });
  req.resume();
}

/**
 * Serves the guarded Inngest handlers (serve-functions.ts) at /api/inngest, plus GET /health, on a plain
 * node:http server: Node requests adapted to Web Requests, Responses written back whole. `close()` stops
 * accepting and waits for in-flight steps.
 */
export async function startFunctionsServer(opts: { port: number; host: string }): Promise<TFunctionsServer> {
  const server = http.createServer((req, res) => {
    handle(req, res).catch(async (err) => {
      if (!res.headersSent) await send(res, handleApiError(err)).catch(() => res.destroy());
      else res.destroy();
    });
  });
  // A step may run for minutes (maxDuration 800 s on the web route): no request timeout.
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host === "0.0.0.0" || opts.host === "::" ? "127.0.0.1" : opts.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
