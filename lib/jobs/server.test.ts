/**
 * The runner as it is deployed: `lib/jobs/server.ts` in its own process, killed with SIGKILL mid-run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { prisma } from "@/lib/db";
import { runsOf, settledRuns, waitFor } from "./testing";

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  children.clear();
  for (const fn of cleanups.splice(0)) await fn();
});

async function freePort(): Promise<number> {
  const srv = http.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** `node --import tsx lib/jobs/server.ts` (not the tsx CLI, whose child would outlive a SIGKILL). */
async function startServerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "lib/jobs/server.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  await waitFor(() => out.includes("listening on") || child.exitCode !== null, 20_000, "runner process start");
  if (child.exitCode !== null) throw new Error(`runner exited ${child.exitCode}: ${out}`);
  return child;
}

const exited = (c: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => {
    if (c.exitCode !== null || c.signalCode !== null) r({ code: c.exitCode, signal: c.signalCode });
    else c.once("exit", (code, signal) => r({ code, signal }));
  });

describe("embedded runner: server process", () => {
  it("survives SIGKILL during a sleep and during a step: finished steps never re-run", async () => {
    const port = await freePort();
    const appId = `t-${randomUUID().slice(0, 8)}`;
    const calls = { before: 0, slow: 0, after: 0 };
    let releaseFirstSlow!: () => void;
    const firstSlowGate = new Promise<void>((r) => (releaseFirstSlow = r));
    const inngest = new Inngest({ id: appId, isDev: true, baseUrl: `http://127.0.0.1:${port}` });
    const fn = inngest.createFunction({ id: "killme", triggers: [{ event: `${appId}/go` }] }, async ({ step }) => {
      await step.run("before", () => calls.before++);
      await step.sleep("nap", "1s");
      await step.run("slow", async () => {
        // The first attempt hangs until its runner is dead, so its result can never be recorded.
        if (++calls.slow === 1) await firstSlowGate;
      });
      await step.run("after", () => calls.after++);
      return "survived";
    });
    const handler = serve({ client: inngest, functions: [fn] });
    const app = http.createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
    const serveUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;
    cleanups.push(async () => {
      releaseFirstSlow();
      await new Promise<void>((r) => {
        app.close(() => r());
        app.closeAllConnections();
      });
      await prisma.jobRun.deleteMany({ where: { functionId: { startsWith: `${appId}-` } } });
      await prisma.jobApp.deleteMany({ where: { id: appId } });
    });
    const env = {
      DATABASE_URL: process.env.DATABASE_URL!,
      INNGEST_RUNNER_PORT: String(port),
      INNGEST_SERVE_URL: serveUrl,
      INNGEST_RUNNER_LEASE_MS: "1500",
      INNGEST_RUNNER_POLL_MS: "200",
    };

    let runner = await startServerProcess(env);
    await waitFor(async () => (await prisma.jobFunction.count({ where: { appId } })) === 1, 15_000, "registration");
    await inngest.send({ name: `${appId}/go`, data: {} });
    await waitFor(async () => (await runsOf(appId, "killme"))[0]?.status === "SLEEPING", 10_000, "the sleep");
    runner.kill("SIGKILL");
    await exited(runner);

    runner = await startServerProcess(env);
    await waitFor(() => calls.slow === 1, 10_000, "the slow step");
    runner.kill("SIGKILL");
    const killedAt = Date.now();
    await exited(runner);
    releaseFirstSlow(); // the app finishes the step, but nobody is listening for the answer
    const [orphan] = await runsOf(appId, "killme");
    expect(orphan).toMatchObject({ status: "RUNNING", leaseOwner: expect.any(String) });

    runner = await startServerProcess(env);
    const [run] = await settledRuns(appId, "killme", 1, 20_000);
    expect(run.status).toBe("COMPLETED");
    expect(run.output).toBe("survived");
    // The interrupted step ran again (its result was lost with the runner); finished ones did not.
    expect(calls).toEqual({ before: 1, slow: 2, after: 1 });
    expect(run.endedAt!.getTime() - killedAt).toBeGreaterThanOrEqual(1000); // waited for the lease to lapse

    runner.kill("SIGTERM");
    expect(await exited(runner)).toEqual({ code: 0, signal: null });
  });
});
