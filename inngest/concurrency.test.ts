import { afterEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { settledRuns, sleep, startTestApp, waitFor, type TTestApp } from "@/lib/jobs/testing";
import { ACCOUNT_CONCURRENCY, perAccountMedia, perSessionAndAccount } from "./concurrency";

/**
 * Per-account fairness in the embedded runner with the pipeline's real concurrency keys: one account's runs
 * stuck in a provider 429 storm (held inside a step, as the Groq SDK's retry-after waits are) occupy at most
 * ACCOUNT_CONCURRENCY worker slots, so another account's segment is processed meanwhile.
 */
let app: TTestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("per-account concurrency (process-segment, redetect-segment)", () => {
  it("a 429 storm for one account does not stall another account", async () => {
    let release!: () => void;
    const storm = new Promise<void>((r) => (release = r));
    const active = new Map<string, number>();
    const max = new Map<string, number>();
    const doneAt = new Map<string, number>();
    let releasedAt = Infinity;
    app = await startTestApp(
      (inngest, id) => [
        inngest.createFunction(
          { id: "segment", triggers: [{ event: `${id}/segment` }], concurrency: perSessionAndAccount },
          async ({ event, step }) => {
            const { userId, sessionId } = event.data as { userId: string; sessionId: string };
            await step.run("transcribe", async () => {
              active.set(userId, (active.get(userId) ?? 0) + 1);
              max.set(userId, Math.max(max.get(userId) ?? 0, active.get(userId)!));
              if (userId === "storm")
                await storm; // the provider keeps answering 429 for this account
              else await sleep(50);
              active.set(userId, active.get(userId)! - 1);
            });
            doneAt.set(sessionId, Date.now());
          },
        ),
      ],
      // Fewer worker slots than the storming account has sessions: without the account key it takes them all.
      { maxConcurrentRuns: ACCOUNT_CONCURRENCY + 1 },
    );
    const name = `${app.appId}/segment`;
    await app.inngest.send(
      Array.from({ length: 6 }, (_, i) => ({ name, data: { userId: "storm", sessionId: `storm-${i}` } })),
    );
    await waitFor(
      async () => (active.get("storm") ?? 0) === ACCOUNT_CONCURRENCY,
      15_000,
      "the storming account to fill its slots",
    );
    await app.inngest.send({ name, data: { userId: "calm", sessionId: "calm-0" } });
    await waitFor(async () => doneAt.has("calm-0"), 15_000, "the other account's segment");
    expect(max.get("storm")).toBe(ACCOUNT_CONCURRENCY);
    releasedAt = Date.now();
    release();
    await settledRuns(app.appId, "segment", 7);
    expect(doneAt.get("calm-0")!).toBeLessThan(releasedAt);
    expect(max.get("storm")).toBe(ACCOUNT_CONCURRENCY);
    expect([...doneAt.keys()].filter((k) => k.startsWith("storm"))).toHaveLength(6);
  });

  it("the pipeline functions register these keys with the runner", async () => {
    app = await startTestApp((inngest, id) => [
      inngest.createFunction(
        { id: "segment", triggers: [{ event: `${id}/segment` }], concurrency: perSessionAndAccount },
        async () => null,
      ),
    ]);
    const fn = await prisma.jobFunction.findUniqueOrThrow({ where: { id: `${app.appId}-segment` } });
    expect(fn.concurrency).toEqual(perSessionAndAccount);
    const { processSegment } = await import("./process-segment");
    const { redetectSegmentFn } = await import("./redetect-segment");
    for (const f of [processSegment, redetectSegmentFn])
      expect((f as unknown as { opts: { concurrency: unknown } }).opts.concurrency).toBe(perSessionAndAccount);
  });

  it("the media functions (render, trim, export, preview) are capped per account below their global cap", async () => {
    const { renderClip } = await import("./render-clip");
    const { trimClipFn } = await import("./trim-clip");
    const { exportClipFn } = await import("./export-clip");
    const { renderPreviewFn } = await import("./render-preview");
    const caps = [renderClip, trimClipFn, exportClipFn, renderPreviewFn].map(
      (f) => (f as unknown as { opts: { concurrency: unknown } }).opts.concurrency,
    );
    for (const cap of caps) expect(cap).toBe(perAccountMedia);
    const [global, account] = perAccountMedia;
    expect(account).toMatchObject({ key: "event.data.userId" });
    expect(account.limit).toBeLessThan(global.limit);
  });
});
