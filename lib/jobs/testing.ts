/**
 * Test harness: a real Inngest client + `serve` from inngest/node on an ephemeral port, wired to a real
 * runner on an ephemeral port, with the real database. Each app gets a unique id so tests don't see
 * each other's functions.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { prisma } from "@/lib/db";
import { startRunner, type TRunner, type TRunnerOptions } from "./runner";

export type TTestApp = {
  appId: string;
  inngest: Inngest;
  serveUrl: string;
  runners: TRunner[];
  /** Another runner process-equivalent sharing the same database and app. */
  addRunner(opts?: Partial<TRunnerOptions>): Promise<TRunner>;
  close(): Promise<void>;
};

export async function startTestApp(
  build: (inngest: Inngest, appId: string) => InngestFunction.Any[],
  runnerOpts: Partial<TRunnerOptions> = {},
): Promise<TTestApp> {
  const appId = `t-${randomUUID().slice(0, 8)}`;
  // The serve handler needs the runner's URL, and the runner needs this server's: answer 503 until it is set.
  const app: { handler?: http.RequestListener } = {};
  const server = http.createServer((req, res) => {
    if (!app.handler) {
      res.writeHead(503).end();
      return;
    }
    app.handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const serveUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  const runners: TRunner[] = [];
  const base = { port: 0, serveUrl, pollMs: 200, backoffBaseMs: 50, syncIntervalMs: 0 };
  const addRunner = async (opts: Partial<TRunnerOptions> = {}) => {
    const r = await startRunner({ ...base, ...runnerOpts, ...opts });
    runners.push(r);
    return r;
  };
  const first = await addRunner();
  const inngest = new Inngest({ id: appId, isDev: true, baseUrl: first.url });
  const functions = build(inngest, appId);
  app.handler = serve({ client: inngest, functions });
  const expected = functions.reduce((n, f) => n + (f["onFailureFn"] ? 2 : 1), 0);
  await waitFor(
    async () => (await prisma.jobFunction.count({ where: { appId } })) === expected,
    15_000,
    "app registration",
  );
  return {
    appId,
    inngest,
    serveUrl,
    runners,
    addRunner,
    async close() {
      await Promise.all(runners.splice(0).map((r) => r.stop()));
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await prisma.jobRun.deleteMany({ where: { functionId: { startsWith: `${appId}-` } } });
      await prisma.jobApp.deleteMany({ where: { id: appId } });
    },
  };
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = "condition") {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function runsOf(appId: string, fn: string) {
  return prisma.jobRun.findMany({ where: { functionId: `${appId}-${fn}` }, orderBy: { createdAt: "asc" } });
}

/** Waits until `count` runs of the function have ended (COMPLETED or FAILED) and returns them. */
export async function settledRuns(appId: string, fn: string, count: number, timeoutMs = 15_000) {
  await waitFor(
    async () =>
      (await prisma.jobRun.count({
        where: { functionId: `${appId}-${fn}`, status: { in: ["COMPLETED", "FAILED"] } },
      })) >= count,
    timeoutMs,
    `${count} settled runs of ${fn}`,
  );
  return runsOf(appId, fn);
}
