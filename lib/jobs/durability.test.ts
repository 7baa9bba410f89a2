import { afterEach, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db";
import { ingestEvents } from "./store";
import { runsOf, settledRuns, sleep, startTestApp, waitFor, type TTestApp } from "./testing";

let app: TTestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const portOf = (url: string) => Number(new URL(url).port);

describe("embedded runner: durability", () => {
  it("a run sleeping when its runner stops is completed by the next runner, without re-running steps", async () => {
    const calls = { before: 0, after: 0 };
    app = await startTestApp((inngest, id) => [
      inngest.createFunction({ id: "sleeper", triggers: [{ event: `${id}/go` }] }, async ({ step }) => {
        await step.run("before", () => calls.before++);
        await step.sleep("nap", "1s");
        await step.run("after", () => calls.after++);
        return "woke";
      }),
    ]);
    await app.inngest.send({ name: `${app.appId}/go`, data: {} });
    await waitFor(async () => (await runsOf(app!.appId, "sleeper"))[0]?.status === "SLEEPING", 5000, "sleep");
    const first = app.runners[0];
    await first.stop();
    await sleep(1200); // the sleep ends while no runner is up
    expect(calls).toEqual({ before: 1, after: 0 });
    await app.addRunner({ port: portOf(first.url) }); // "restart" on the same address the app sends to
    const [run] = await settledRuns(app.appId, "sleeper", 1);
    expect(run.output).toBe("woke");
    expect(calls).toEqual({ before: 1, after: 1 });
  });

  it("stopping mid-step finishes that request, parks the run, and a new runner resumes after it", async () => {
    const calls = { slow: 0, next: 0 };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inSlow = false;
    app = await startTestApp((inngest, id) => [
      inngest.createFunction({ id: "between", triggers: [{ event: `${id}/go` }] }, async ({ step }) => {
        await step.run("slow", async () => {
          calls.slow++;
          inSlow = true;
          await gate;
        });
        await step.run("next", () => calls.next++);
        return "done";
      }),
    ]);
    await app.inngest.send({ name: `${app.appId}/go`, data: {} });
    await waitFor(() => inSlow, 5000, "slow step");
    const first = app.runners[0];
    const stopped = first.stop();
    await sleep(100);
    release();
    await stopped;
    const [parked] = await runsOf(app.appId, "between");
    expect(parked.status).toBe("QUEUED");
    expect(parked.leaseOwner).toBeNull();
    expect(parked.stack).toHaveLength(1);
    expect(calls).toEqual({ slow: 1, next: 0 });

    await app.addRunner({ port: portOf(first.url) });
    const [run] = await settledRuns(app.appId, "between", 1);
    expect(run.output).toBe("done");
    expect(calls).toEqual({ slow: 1, next: 1 });
  });

  it("a run leased by a runner that died is picked up once the lease expires", async () => {
    let a = 0;
    app = await startTestApp((inngest, id) => [
      inngest.createFunction({ id: "orphan", triggers: [{ event: `${id}/go` }] }, async ({ step }) => {
        await step.run("a", () => a++);
        return "recovered";
      }),
    ]);
    const first = app.runners[0];
    await first.stop();
    // As if a runner had claimed the run and crashed mid-request: its lease runs for another 1.5 s.
    const { runIds } = await ingestEvents([{ name: `${app.appId}/go`, data: {} }]);
    expect(runIds).toHaveLength(1);
    const leaseUntil = new Date(Date.now() + 1500);
    await prisma.jobRun.update({
      where: { id: runIds[0] },
      data: { status: "RUNNING", leaseOwner: "crashed-runner:1", leaseUntil, startedAt: new Date() },
    });
    await app.addRunner({ port: portOf(first.url) });
    await sleep(800);
    expect(a).toBe(0); // the live lease is respected
    const [run] = await settledRuns(app.appId, "orphan", 1);
    expect(run.status).toBe("COMPLETED");
    expect(run.endedAt!.getTime()).toBeGreaterThanOrEqual(leaseUntil.getTime());
    expect(a).toBe(1);
  });

  it("two runners share one queue and run every step exactly once", async () => {
    const hits = new Map<string, number>();
    const hit = (k: string) => hits.set(k, (hits.get(k) ?? 0) + 1);
    app = await startTestApp((inngest, id) => [
      inngest.createFunction({ id: "shared", triggers: [{ event: `${id}/go` }] }, async ({ event, step }) => {
        const i = (event.data as { i: number }).i;
        await step.run("one", () => hit(`${i}:one`));
        await Promise.all([step.run("two", () => hit(`${i}:two`)), step.run("three", () => hit(`${i}:three`))]);
        return i;
      }),
    ]);
    await app.addRunner();
    const n = 20;
    await app.inngest.send(Array.from({ length: n }, (_, i) => ({ name: `${app!.appId}/go`, data: { i } })));
    const runs = await settledRuns(app.appId, "shared", n, 30_000);
    expect(runs.every((r) => r.status === "COMPLETED")).toBe(true);
    expect(hits.size).toBe(3 * n);
    expect([...hits.values()].every((v) => v === 1)).toBe(true);
    const handled = await Promise.all(
      app.runners.map((r) => fetch(`${r.url}/health`).then((res) => res.json() as Promise<{ runsHandled: number }>)),
    );
    console.log(`runs handled per runner: ${handled.map((h) => h.runsHandled).join(", ")}`);
    expect(handled.every((h) => h.runsHandled > 0)).toBe(true);
  });

  it("a run whose lease is taken over mid-step aborts that step's request at once instead of waiting for it", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen = { started: false, finished: false, lostWhileRunning: false };
    const logs: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      const line = args.join(" ");
      logs.push(line);
      if (line.includes("lease lost") && seen.started && !seen.finished) seen.lostWhileRunning = true;
    });
    try {
      app = await startTestApp(
        (inngest, id) => [
          inngest.createFunction({ id: "held", retries: 0, triggers: [{ event: `${id}/go` }] }, async ({ step }) => {
            await step.run("slow", async () => {
              seen.started = true;
              await gate; // released by the test once the runner has given the run up
              seen.finished = true;
            });
          }),
        ],
        { leaseMs: 600 },
      );
      await app.inngest.send({ name: `${app.appId}/go`, data: {} });
      await waitFor(() => seen.started, 10_000, "the step to start");
      // Another runner takes the run over (as after a lease that expired while this one could not renew it).
      await prisma.jobRun.updateMany({
        where: { functionId: `${app.appId}-held` },
        data: { leaseOwner: "another-runner", leaseUntil: new Date(Date.now() + 3600_000) },
      });
      await waitFor(() => logs.some((l) => l.includes("lease lost")), 10_000, "the runner to give the run up");
      expect(seen).toEqual({ started: true, finished: false, lostWhileRunning: true });
    } finally {
      release();
      spy.mockRestore();
      // Not left to a later test's runner once the fake lease runs out.
      await prisma.jobRun.updateMany({
        where: { functionId: `${app?.appId}-held` },
        data: { status: "COMPLETED", leaseOwner: null, leaseUntil: null },
      });
    }
  });
});
