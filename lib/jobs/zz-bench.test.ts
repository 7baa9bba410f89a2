import { it } from "vitest";
import { randomUUID } from "node:crypto";
import { prisma } from "@/lib/db";
it("bench", async () => {
  const t = async (label: string, f: () => Promise<unknown>, n = 30) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) { const s = performance.now(); await f(); times.push(performance.now() - s); }
    times.sort((a, b) => a - b);
    console.log(label, "median", times[n >> 1].toFixed(2), "p90", times[Math.floor(n * 0.9)].toFixed(2));
  };
  const run = () => ({ id: randomUUID(), functionId: "bench-f", eventId: "e", event: { a: 1 }, maxAttempts: 1, concurrency: [], nextAt: new Date() });
  await t("run createMany", () => prisma.jobRun.createMany({ data: [run()] }));
  await t("run createMany 3", () => prisma.jobRun.createMany({ data: [run(), run(), run()] }));
  await t("run create", () => prisma.jobRun.create({ data: run(), select: { id: true } }));
  await t("ev createMany skip", () => prisma.jobEvent.createMany({ data: [{ id: randomUUID(), name: "bench/x", data: { a: 1 }, ts: new Date() }], skipDuplicates: true }));
  await t("ev createMany", () => prisma.jobEvent.createMany({ data: [{ id: randomUUID(), name: "bench/x", data: { a: 1 }, ts: new Date() }] }));
  await prisma.jobEvent.deleteMany({ where: { name: "bench/x" } });
  await prisma.jobRun.deleteMany({ where: { functionId: "bench-f" } });
});
