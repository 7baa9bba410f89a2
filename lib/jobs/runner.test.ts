import { afterEach, describe, expect, it } from "vitest";
import { NonRetriableError, RetryAfterError, type FailureEventArgs } from "inngest";
import { prisma } from "@/lib/db";
import { fireDueCrons } from "./store";
import { runsOf, settledRuns, sleep, startTestApp, waitFor, type TTestApp } from "./testing";

let app: TTestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("embedded runner: execution", () => {
  it("memoizes steps (each side effect once), runs parallel steps, returns the output", async () => {
    const calls: Record<string, number> = {};
    const hit = (k: string) => (calls[k] = (calls[k] ?? 0) + 1);
    const firstStepAt: number[] = [];
    app = await startTestApp((inngest, id) => [
      inngest.createFunction(
        { id: "pipeline", triggers: [{ event: `${id}/thing.created` }] },
        async ({ event, step }) => {
          const n = (event.data as { n: number }).n;
          const a = await step.run("a", () => {
            firstStepAt[n] = Date.now();
            hit(`a${n}`);
            return n + 1;
          });
          const [b, c] = await Promise.all([
            step.run("b", () => (hit(`b${n}`), a * 2)),
            step.run("c", () => (hit(`c${n}`), a * 3)),
          ]);
          const d = await step.run("d", () => (hit(`d${n}`), b + c));
          return { a, b, c, d };
        },
      ),
    ]);
    const name = `${app.appId}/thing.created`;
    const sentAt: number[] = [];
    const ns = [1, 2, 3, 4, 5];
    for (const n of ns) {
      sentAt[n] = Date.now();
      const { ids } = await app.inngest.send({ name, data: { n } });
      expect(ids).toHaveLength(1);
      await settledRuns(app.appId, "pipeline", n);
    }
    const runs = await runsOf(app.appId, "pipeline");
    const latency = ns.map((n) => firstStepAt[n] - sentAt[n]);
    const total = runs.map((r, i) => r.endedAt!.getTime() - sentAt[i + 1]);
    console.log(`send → first step: ${latency.join(", ")} ms; send → completed (5 requests): ${total.join(", ")} ms`);

    expect(runs.map((r) => r.status)).toEqual(ns.map(() => "COMPLETED"));
    expect(runs.map((r) => r.output)).toEqual(
      ns.map((n) => ({ a: n + 1, b: 2 * (n + 1), c: 3 * (n + 1), d: 5 * (n + 1) })),
    );
    expect(Object.values(calls).every((v) => v === 1)).toBe(true);
    expect(Object.keys(calls)).toHaveLength(4 * ns.length);
    expect(runs[0].stack).toHaveLength(4);
    // How fast a run starts is measured by the segment-latency benchmark (its "announce" stage), not asserted
    // here; the order of events is: every first step ran after its send.
    expect(latency.every((ms) => ms >= 0)).toBe(true);
  });

  it("ingests batches at POST /e/:key, deduplicates ids within 24 h, and filters by trigger expression", async () => {
    app = await startTestApp((inngest, id) => [
      inngest.createFunction({ id: "all", triggers: [{ event: `${id}/seg.ready` }] }, async ({ event }) => event.data),
      inngest.createFunction(
        { id: "big-only", triggers: [{ event: `${id}/seg.ready`, if: "event.data.size == 'big'" }] },
        async () => "big",
      ),
    ]);
    const { appId } = app;
    const name = `${appId}/seg.ready`;
    const first = await app.inngest.send([
      { name, id: `${appId}-seg-1`, data: { size: "big" } },
      { name, id: `${appId}-seg-2`, data: { size: "small" } },
      { name, data: { size: "small" } },
    ]);
    expect(first.ids).toHaveLength(3);
    expect(new Set(first.ids).size).toBe(3);
    // A repeated announcement (same id) is accepted but triggers nothing; it reports the first event's id.
    const again = await app.inngest.send({ name, id: `${appId}-seg-1`, data: { size: "big" } });
    expect(again.ids).toEqual([first.ids[0]]);
    const raw = await fetch(`${app.runners[0].url}/e/any-key`, {
      method: "POST",
      body: JSON.stringify([
        { name, id: `${appId}-seg-2`, data: { size: "small" } },
        { name, id: `${appId}-seg-3`, data: { size: "big" } },
      ]),
    });
    expect(raw.status).toBe(200);
    const body = (await raw.json()) as { ids: string[]; status: number };
    expect(body).toEqual({ status: 200, ids: [first.ids[1], expect.any(String)] });
    const bad = await fetch(`${app.runners[0].url}/e/any-key`, { method: "POST", body: JSON.stringify({ data: {} }) });
    expect(bad.status).toBe(400);

    await settledRuns(appId, "all", 4);
    await settledRuns(appId, "big-only", 2);
    await sleep(300);
    const all = await runsOf(appId, "all");
    expect(all).toHaveLength(4);
    expect(all.map((r) => (r.output as { size: string }).size).sort()).toEqual(["big", "big", "small", "small"]);
    expect(await runsOf(appId, "big-only")).toHaveLength(2);
    expect(await prisma.jobEvent.count({ where: { name } })).toBe(4);
  });

  it("retries a failing step with exponential backoff and rising attempt, then fails and runs onFailure", async () => {
    const attempts: number[] = [];
    const times: number[] = [];
    let failure: { message: string; original: unknown; fnId: unknown } | undefined;
    app = await startTestApp((inngest, id) => [
      inngest.createFunction(
        {
          id: "flaky",
          retries: 2,
          triggers: [{ event: `${id}/go` }],
          onFailure: async ({ event, error }: FailureEventArgs) => {
            failure = { message: error.message, original: event.data.event.data, fnId: event.data.function_id };
          },
        },
        async ({ step, attempt }) => {
          await step.run("boom", () => {
            attempts.push(attempt);
            times.push(Date.now());
            throw new Error("kaput");
          });
        },
      ),
    ]);
    await app.inngest.send({ name: `${app.appId}/go`, data: { segmentId: "s1" } });
    const [run] = await settledRuns(app.appId, "flaky", 1);
    expect(run.status).toBe("FAILED");
    expect(JSON.stringify(run.error)).toContain("kaput");
    expect(attempts).toEqual([0, 1, 2]);
    // backoffBaseMs 50: ~50 ms then ~100 ms (±10 %).
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(44);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(89);
    await waitFor(() => failure !== undefined, 10_000, "onFailure");
    expect(failure).toEqual({
      message: expect.stringContaining("kaput"),
      original: { segmentId: "s1" },
      fnId: `${app.appId}-flaky`,
    });
    const [handler] = await settledRuns(app.appId, "flaky-failure", 1);
    expect(handler.status).toBe("COMPLETED");
  });

  it("retries errors thrown outside steps without re-running finished steps; uses 4 retries by default", async () => {
    let before = 0;
    const defaultAttempts: number[] = [];
    app = await startTestApp((inngest, id) => [
      inngest.createFunction(
        { id: "recovers", retries: 3, triggers: [{ event: `${id}/go` }] },
        async ({ step, attempt }) => {
          await step.run("before", () => before++);
          if (attempt < 2) throw new Error(`not yet (${attempt})`);
          return { attempt };
        },
      ),
      inngest.createFunction({ id: "default-retries", triggers: [{ event: `${id}/go` }] }, async ({ attempt }) => {
        defaultAttempts.push(attempt);
        throw new Error("always");
      }),
    ]);
    await app.inngest.send({ name: `${app.appId}/go`, data: {} });
    const [run] = await settledRuns(app.appId, "recovers", 1);
    expect(run.status).toBe("COMPLETED");
    expect(run.output).toEqual({ attempt: 2 });
    expect(before).toBe(1);
    const [failed] = await settledRuns(app.appId, "default-retries", 1);
    expect(failed.status).toBe("FAILED");
    expect(failed.maxAttempts).toBe(5);
    expect(defaultAttempts).toEqual([0, 1, 2, 3, 4]);
  });

  it("fails at once on NonRetriableError and honours RetryAfterError", async () => {
    const nonRetriable: number[] = [];
    const retryAfter: number[] = [];
    let failed = 0;
    app = await startTestApp((inngest, id) => [
      inngest.createFunction(
        { id: "fatal", retries: 3, triggers: [{ event: `${id}/go` }], onFailure: async () => void failed++ },
        async ({ step }) => {
          await step.run("validate", () => {
            nonRetriable.push(Date.now());
            throw new NonRetriableError("bad payload");
          });
        },
      ),
      inngest.createFunction(
        { id: "later", retries: 3, triggers: [{ event: `${id}/go` }] },
        async ({ step, attempt }) =>
          step.run("rate-limited", () => {
            retryAfter.push(Date.now());
            if (attempt === 0) throw new RetryAfterError("slow down", 1000);
            return "ok";
          }),
      ),
    ]);
    await app.inngest.send({ name: `${app.appId}/go`, data: {} });
    const [fatal] = await settledRuns(app.appId, "fatal", 1);
    expect(fatal.status).toBe("FAILED");
    expect(nonRetriable).toHaveLength(1);
    await waitFor(() => failed === 1, 10_000, "onFailure");
    const [later] = await settledRuns(app.appId, "later", 1);
    expect(later.output).toBe("ok");
    expect(retryAfter).toHaveLength(2);
    const gap = retryAfter[1] - retryAfter[0];
    expect(gap).toBeGreaterThanOrEqual(950); // not the 50 ms backoff
    expect(gap).toBeLessThan(2500);
  });

  it("a failed run and its function.failed event are stored together: while the event cannot be stored the run is not FAILED; once it can, onFailure runs", async () => {
    let failures = 0;
    let calls = 0;
    const marker = `atomic-${Date.now()}`;
    await prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION test_refuse_failed_event() RETURNS trigger AS $$
      BEGIN
        IF NEW.name = 'inngest/function.failed' AND NEW.data->'event'->'data'->>'marker' = '${marker}' THEN
          RAISE EXCEPTION 'event store unavailable';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await prisma.$executeRawUnsafe(
      `CREATE OR REPLACE TRIGGER test_refuse_failed_event BEFORE INSERT ON job_event FOR EACH ROW EXECUTE FUNCTION test_refuse_failed_event()`,
    );
    try {
      app = await startTestApp(
        (inngest, id) => [
          inngest.createFunction(
            { id: "atomic", retries: 0, triggers: [{ event: `${id}/go` }], onFailure: async () => void failures++ },
            async ({ step }) => {
              await step.run("validate", () => {
                calls++;
                throw new NonRetriableError("bad payload");
              });
            },
          ),
        ],
        { leaseMs: 400 },
      );
      await app.inngest.send({ name: `${app.appId}/go`, data: { marker } });
      await waitFor(() => calls >= 1, 15_000, "the step");
      await sleep(3000); // several 400 ms leases: the run is taken again and its finish fails each time
      const [run] = await runsOf(app.appId, "atomic");
      expect(run.status).not.toBe("FAILED");
      expect(failures).toBe(0);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS test_refuse_failed_event ON job_event`);
      await prisma.$executeRawUnsafe(`DROP FUNCTION IF EXISTS test_refuse_failed_event()`);
    }
    const [failed] = await settledRuns(app.appId, "atomic", 1);
    expect(failed.status).toBe("FAILED");
    await waitFor(() => failures === 1, 15_000, "onFailure");
  });

  it("fans out with step.sendEvent (deduplicated by id) and sleeps durably", async () => {
    app = await startTestApp((inngest, id) => [
      inngest.createFunction({ id: "parent", triggers: [{ event: `${id}/parent` }] }, async ({ step }) => {
        const sent = await step.sendEvent(
          "fan",
          [1, 2, 3, 3].map((i) => ({ name: `${id}/child`, id: `${id}-child-${i}`, data: { i } })),
        );
        const t = await step.run("before-sleep", () => Date.now());
        await step.sleep("nap", "1s");
        const after = await step.run("after-sleep", () => Date.now());
        return { sent: sent.ids.length, slept: after - t };
      }),
      inngest.createFunction({ id: "child", triggers: [{ event: `${id}/child` }] }, async ({ event }) => {
        return (event.data as { i: number }).i * 10;
      }),
    ]);
    await app.inngest.send({ name: `${app.appId}/parent`, data: {} });
    await waitFor(async () => (await runsOf(app!.appId, "parent"))[0]?.status === "SLEEPING", 5000, "parent to sleep");
    const [parent] = await settledRuns(app.appId, "parent", 1);
    expect(parent.status).toBe("COMPLETED");
    const out = parent.output as { sent: number; slept: number };
    expect(out.sent).toBe(4);
    expect(out.slept).toBeGreaterThanOrEqual(1000);
    expect(out.slept).toBeLessThan(2000);
    const children = await settledRuns(app.appId, "child", 3);
    expect(children.map((c) => c.output).sort()).toEqual([10, 20, 30]);
    await sleep(200);
    expect(await runsOf(app.appId, "child")).toHaveLength(3);
  });

  it("step.waitForEvent resolves with the first matching event after the wait starts, or null on timeout", async () => {
    app = await startTestApp((inngest, id) => [
      inngest.createFunction({ id: "waiter", triggers: [{ event: `${id}/order.placed` }] }, async ({ event, step }) => {
        const paid = await step.waitForEvent("paid", {
          event: `${id}/order.paid`,
          match: "data.orderId",
          timeout: "5s",
        });
        const shipped = await step.waitForEvent("shipped", { event: `${id}/order.shipped`, timeout: "1s" });
        return { order: (event.data as { orderId: string }).orderId, paid: paid?.data ?? null, shipped };
      }),
    ]);
    const { appId } = app;
    // Sent before the wait exists: must not count.
    await app.inngest.send({ name: `${appId}/order.paid`, data: { orderId: "o1", early: true } });
    await app.inngest.send({ name: `${appId}/order.placed`, data: { orderId: "o1" } });
    await waitFor(async () => (await runsOf(appId, "waiter"))[0]?.status === "SLEEPING", 5000, "the wait");
    await app.inngest.send([
      { name: `${appId}/order.paid`, data: { orderId: "other" } }, // does not match
      { name: `${appId}/order.paid`, data: { orderId: "o1", amount: 42 } },
    ]);
    const sentAt = Date.now();
    const [run] = await settledRuns(appId, "waiter", 1);
    expect(run.status).toBe("COMPLETED");
    expect(run.output).toEqual({ order: "o1", paid: { orderId: "o1", amount: 42 }, shipped: null });
    // Woken by the event, then the 1 s timeout (the SDK's minimum): well before the 5 s one would end.
    expect(run.endedAt!.getTime() - sentAt).toBeGreaterThanOrEqual(900);
    expect(run.endedAt!.getTime() - sentAt).toBeLessThan(3500);
  });

  it("step.invoke runs another function and returns its output or throws its error", async () => {
    app = await startTestApp((inngest, id) => {
      const double = inngest.createFunction(
        { id: "double", triggers: [{ event: `${id}/unused` }] },
        async ({ event, step }) => step.run("work", () => (event.data as { n: number }).n * 2),
      );
      const broken = inngest.createFunction(
        { id: "broken", retries: 0, triggers: [{ event: `${id}/unused` }] },
        async () => {
          throw new NonRetriableError("child says no");
        },
      );
      const parent = inngest.createFunction({ id: "caller", triggers: [{ event: `${id}/call` }] }, async ({ step }) => {
        const doubled = await step.invoke("call-double", { function: double, data: { n: 21 } });
        const failed = await step.invoke("call-broken", { function: broken, data: {} }).then(
          () => "no error",
          (err: Error) => err.message,
        );
        return { doubled, failed };
      });
      return [double, broken, parent];
    });
    await app.inngest.send({ name: `${app.appId}/call`, data: {} });
    const [run] = await settledRuns(app.appId, "caller", 1);
    expect(run.status).toBe("COMPLETED");
    expect(run.output).toEqual({ doubled: 42, failed: expect.stringContaining("child says no") });
    const [child] = await runsOf(app.appId, "double");
    expect(child).toMatchObject({ status: "COMPLETED", output: 42 });
    expect((child.event as { name: string; data: unknown }).name).toBe("inngest/function.invoked");
    expect((await runsOf(app.appId, "broken"))[0].status).toBe("FAILED");
  });

  it("enforces concurrency limits per key and per function", async () => {
    const track = () => {
      const active = new Map<string, number>();
      const max = new Map<string, number>();
      return {
        max,
        async hold(key: string, ms: number) {
          for (const k of [key, "*"]) {
            active.set(k, (active.get(k) ?? 0) + 1);
            max.set(k, Math.max(max.get(k) ?? 0, active.get(k)!));
          }
          await sleep(ms);
          for (const k of [key, "*"]) active.set(k, active.get(k)! - 1);
        },
      };
    };
    const keyed = track();
    const capped = track();
    app = await startTestApp((inngest, id) => [
      inngest.createFunction(
        { id: "keyed", triggers: [{ event: `${id}/keyed` }], concurrency: [{ key: "event.data.sessionId", limit: 1 }] },
        async ({ event, step }) => {
          const k = (event.data as { sessionId: string }).sessionId;
          await step.run("one", () => keyed.hold(k, 80));
          await step.run("two", () => keyed.hold(k, 80));
        },
      ),
      inngest.createFunction(
        { id: "capped", triggers: [{ event: `${id}/capped` }], concurrency: [{ limit: 2 }] },
        async ({ step }) => step.run("work", () => capped.hold("all", 150)),
      ),
    ]);
    const { appId } = app;
    await app.inngest.send([
      ...["a", "a", "a", "b", "b", "b"].map((sessionId) => ({ name: `${appId}/keyed`, data: { sessionId } })),
      ...[1, 2, 3, 4, 5].map(() => ({ name: `${appId}/capped`, data: {} })),
    ]);
    await settledRuns(appId, "keyed", 6);
    await settledRuns(appId, "capped", 5);
    expect(keyed.max.get("a")).toBe(1);
    expect(keyed.max.get("b")).toBe(1);
    expect(keyed.max.get("*")).toBe(2); // different sessions run in parallel
    expect(capped.max.get("*")).toBe(2);
  });

  it("fires a due cron slot exactly once across two runners and schedules the next one", async () => {
    app = await startTestApp((inngest) => [
      inngest.createFunction(
        { id: "tick", triggers: [{ cron: "TZ=Europe/Paris */5 * * * *" }] },
        async ({ event }) => event.name,
      ),
    ]);
    await app.addRunner();
    const where = { functionId_cron: { functionId: `${app.appId}-tick`, cron: "TZ=Europe/Paris */5 * * * *" } };
    const scheduled = await prisma.jobCron.findUniqueOrThrow({ where });
    expect(scheduled.nextAt.getTime()).toBeGreaterThan(Date.now());
    expect(scheduled.nextAt.getUTCMinutes() % 5).toBe(0);
    expect(scheduled.nextAt.getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000);

    await prisma.jobCron.update({ where, data: { nextAt: new Date(Date.now() - 1000) } });
    await Promise.all([fireDueCrons(), fireDueCrons(), fireDueCrons()]); // race the runners' own pollers
    const [run] = await settledRuns(app.appId, "tick", 1);
    expect(run.output).toBe("inngest/scheduled.timer");
    await sleep(600);
    expect(await runsOf(app.appId, "tick")).toHaveLength(1);
    const next = await prisma.jobCron.findUniqueOrThrow({ where });
    expect(next.nextAt.getTime()).toBeGreaterThan(Date.now());
  });

  it("reports health and recent runs as JSON", async () => {
    app = await startTestApp((inngest, id) => [
      inngest.createFunction({ id: "hello", triggers: [{ event: `${id}/hello` }] }, async () => "hi"),
    ]);
    await app.inngest.send({ name: `${app.appId}/hello`, data: {} });
    await settledRuns(app.appId, "hello", 1);
    const health = await fetch(`${app.runners[0].url}/health`).then((r) => r.json());
    expect(health).toMatchObject({ status: "ok", synced: true, serveUrl: app.serveUrl, activeRuns: 0 });
    const { runs } = (await fetch(`${app.runners[0].url}/runs?limit=5&functionId=${app.appId}-hello`).then((r) =>
      r.json(),
    )) as {
      runs: { functionId: string; status: string; output: unknown; eventName: string }[];
    };
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      functionId: `${app.appId}-hello`,
      status: "COMPLETED",
      output: "hi",
      eventName: `${app.appId}/hello`,
    });
  });
});
