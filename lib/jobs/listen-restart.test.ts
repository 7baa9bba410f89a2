/**
 * Issue 21.7d: the runner's LISTEN connection comes back after the database drops it. The backend serving
 * LISTEN is terminated (what a PostgreSQL restart does to every connection); with the poll set to 10 minutes,
 * only NOTIFY can wake the runner, so runs ingested afterwards complete only if LISTEN was re-established.
 */
import { afterEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { ingestEvents } from "./store";
import { settledRuns, startTestApp, waitFor, type TTestApp } from "./testing";

let app: TTestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const listenBackends = () =>
  prisma.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity
    WHERE datname = current_database() AND query ILIKE 'LISTEN%clipstream_jobs%' AND pid <> pg_backend_pid()`;

describe("embedded runner: LISTEN after the database drops the connection", () => {
  it("reconnects, LISTENs again, and a NOTIFY after that still wakes the runner", async () => {
    app = await startTestApp(
      (inngest, id) => [
        inngest.createFunction({ id: "echo", triggers: [{ event: `${id}/go` }] }, async ({ event }) => event.data),
      ],
      { pollMs: 600_000 },
    );
    const go = (n: number) => ingestEvents([{ name: `${app!.appId}/go`, data: { n } }]);
    await go(1);
    await settledRuns(app.appId, "echo", 1, 5000);

    const before = await listenBackends();
    expect(before.length).toBe(1);
    await prisma.$queryRaw`SELECT pg_terminate_backend(${before[0].pid}::int)`;
    // Announced while nobody listens: the NOTIFY is lost, the catch-up pump after reconnecting finds it.
    await go(2);
    await waitFor(
      async () => (await listenBackends()).some((b) => b.pid !== before[0].pid),
      10_000,
      "LISTEN re-established",
    );
    await settledRuns(app.appId, "echo", 2, 5000);

    await go(3);
    const runs = await settledRuns(app.appId, "echo", 3, 5000);
    expect(runs.map((r) => r.status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
  });
});
