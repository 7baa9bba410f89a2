/**
 * Production web server: the Next.js build served by WEB_CONCURRENCY processes sharing one port (node:cluster).
 * One Node process runs route handlers on one core, so on a multi-core host a single `next start` queues
 * requests behind each other long before the machine is busy; two or more processes spread them.
 *
 *   node scripts/serve.mjs [-p 3000] [-H 0.0.0.0]
 *
 * PORT / WEB_HOST: where to listen (-p / -H win). TRUSTED_PROXIES: proxies whose X-Forwarded-For is believed. WEB_CONCURRENCY: number of processes (default: available
 * cores, at most 4; 1 serves in this process).
 * Workers that die are replaced; SIGTERM/SIGINT stop them all. On Vercel none of this runs: each request is
 * a function invocation.
 *
 * Like `next start`, this runs with NODE_ENV=production, so lib/env.ts requires real secrets
 * (BETTER_AUTH_SECRET, RECORDER_SECRET, distinct) unless CLIPSTREAM_ALLOW_DEV_SECRETS=true; a bad environment
 * stops the server before it serves (exit code 2, the problems listed).
 */
import cluster from "node:cluster";
import http from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import { tsImport } from "tsx/esm/api";

const { values } = parseArgs({
  options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
});
const port = Number(values.port ?? process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`The port must be a whole number from 0 to 65535 (got "${values.port ?? process.env.PORT}").`);
  process.exit(2);
}
// Not HOSTNAME: shells and containers set it to the machine's name.
const hostname = values.hostname ?? process.env.WEB_HOST ?? "0.0.0.0";

if (process.env.NODE_ENV && process.env.NODE_ENV !== "production") {
  console.warn(`web: NODE_ENV=${process.env.NODE_ENV} ignored; the production server runs with NODE_ENV=production`);
}
process.env.NODE_ENV = "production";

if (cluster.isPrimary) {
  try {
    const { checkWebEnv } = await tsImport("./lib/check-web-env.ts", import.meta.url);
    checkWebEnv();
  } catch (err) {
    if (err?.name !== "EnvError") throw err;
    console.error(`web: not starting. ${err.message}`);
    process.exit(2);
  }
}
const { default: next } = await import("next");

function concurrency() {
  const raw = process.env.WEB_CONCURRENCY;
  if (raw === undefined || raw === "") return Math.min(4, os.availableParallelism());
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    console.error(`WEB_CONCURRENCY must be a whole number from 1 to 64 (got "${raw}").`);
    process.exit(2);
  }
  return n;
}

async function serve() {
  const { CLIENT_IP_HEADER, clientIpResolver } = await tsImport("../lib/net/resolve-client-ip.ts", import.meta.url);
  const clientIp = clientIpResolver(process.env.TRUSTED_PROXIES);
  const app = next({ dev: false, hostname, port, dir: process.cwd() });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    // The client's address, from the socket (X-Forwarded-For only from TRUSTED_PROXIES): whatever the client
    // sent in this header is replaced, so it cannot pick a fresh sign-in budget.
    req.headers[CLIENT_IP_HEADER] = clientIp(req);
    return handle(req, res);
  });
  // Longer than a typical proxy's keep-alive, so a reused upstream connection is not closed under it.
  server.keepAliveTimeout = 65_000;
  server.listen(port, hostname);
  await new Promise((resolve, reject) => server.once("listening", resolve).once("error", reject));
  // Long-lived answers (Server-Sent Events from an open page, a video streaming) would hold server.close() open
  // for good: idle connections go at once, the rest after 2 s, and the process after 8 s whatever is left.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
    setTimeout(() => process.exit(0), 8000).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  // A worker whose primary is gone (killed) stops too, rather than serving on unsupervised.
  if (cluster.isWorker) process.once("disconnect", stop);
  return server;
}

const workers = concurrency();
if (workers === 1) {
  await serve();
  console.log(`web: serving on http://${hostname}:${port} (1 process)`);
} else if (cluster.isPrimary) {
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  const listening = new Set();
  cluster.on("listening", (worker) => {
    listening.add(worker.id);
    if (listening.size === workers) console.log(`web: serving on http://${hostname}:${port} (${workers} processes)`);
  });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    if (!listening.delete(worker.id)) {
      // Died before serving (no build, port taken, bad config): restarting would only loop.
      console.error(`web: process ${worker.process.pid} exited (${signal ?? code}) before serving; stopping`);
      stop(1);
      return;
    }
    console.error(`web: process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });
  function stop(code = 0) {
    if (stopping) return;
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill("SIGTERM");
    setTimeout(() => process.exit(code), 5000).unref();
    cluster.on("exit", () => {
      if (!Object.keys(cluster.workers ?? {}).length) process.exit(code);
    });
  }
  process.once("SIGTERM", () => stop());
  process.once("SIGINT", () => stop());
} else {
  await serve();
}
