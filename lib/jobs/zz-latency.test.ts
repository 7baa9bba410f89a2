import { it } from "vitest";
import { settledRuns, startTestApp } from "./testing";
it("latency probe", async () => {
  const firstStepAt: number[] = [];
  const app = await startTestApp((inngest, id) => [
    inngest.createFunction({ id: "p", triggers: [{ event: `${id}/x` }] }, async ({ event, step }) => {
      const n = (event.data as { n: number }).n;
      await step.run("a", () => { firstStepAt[n] = Date.now(); });
      await step.run("b", () => 1);
      return n;
    }),
  ]);
  const sent: number[] = [], acked: number[] = [];
  for (let n = 0; n < 10; n++) {
    sent[n] = Date.now();
    await app.inngest.send({ name: `${app.appId}/x`, data: { n } });
    acked[n] = Date.now();
    await settledRuns(app.appId, "p", n + 1);
  }
  const runs = await settledRuns(app.appId, "p", 10);
  console.log("ack", acked.map((a, i) => a - sent[i]).join(","));
  console.log("first step", firstStepAt.map((a, i) => a - sent[i]).join(","));
  console.log("total", runs.map((r, i) => r.endedAt!.getTime() - sent[i]).join(","));
  await app.close();
});
