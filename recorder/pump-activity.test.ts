import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openActivityFeed } from "@/lib/pumpfun/activity-feed";
import { ZActivityBatch, type TActivityBatch, type TRecorderWebhook } from "@/lib/recorder/protocol";
import { startFakePumpfunFeed, type TFakeFeed } from "@/test/fixtures/fake-pumpfun-feed";
import { waitFor } from "@/test/support";
import { ActivityCollector } from "./pump-activity";

const MINT = "4k3Dyjzvzp8eMZWUXbBCjEvwSkkk59S5iCNLY3QrkX6R";
let fake: TFakeFeed;

beforeAll(async () => {
  fake = await startFakePumpfunFeed();
});
afterAll(async () => {
  await fake?.close();
});

describe("ActivityCollector (the real feed client against the local fake)", () => {
  it("counts trades and chat per session second and sends complete seconds in batches, the rest at stop", async () => {
    const sent: TRecorderWebhook[] = [];
    // The session's first frame arrived 10.5 s ago: now is session second 10.5.
    const clock = { wall: Date.now() - 10_500, session: 0 };
    const collector = new ActivityCollector({
      sessionId: "s1",
      mint: MINT,
      outbox: { enqueue: (m) => void sent.push(m) },
      log: () => {},
      openFeed: (o) =>
        openActivityFeed({
          ...o,
          tradesUrl: fake.tradesUrl,
          tradesUser: fake.user,
          tradesPass: fake.pass,
          chatUrl: fake.chatUrl,
        }),
      sessionTime: (ms) => clock.session + (ms - clock.wall) / 1000,
      flushMs: 300,
    });
    collector.start();
    await waitFor(
      async () => fake.subjects().length > 0 && fake.rooms().includes(MINT),
      10_000,
      "the feeds to be subscribed",
    );
    fake.trade(MINT, { side: "buy", sol: 1.5, marketCapUsd: 41_000 });
    fake.trade(MINT, { side: "buy", sol: 0.5, marketCapUsd: 42_000 });
    fake.trade(MINT, { side: "sell", sol: 0.25, marketCapUsd: 41_500 });
    fake.chat(MINT, "wow");
    // Complete seconds (2 s settled) go out on the timer.
    const batches = () => sent.map((m) => ZActivityBatch.parse(m));
    const total = (k: "trades" | "buys" | "chat") =>
      batches().reduce((n, b) => n + b.seconds.reduce((m, r) => m + r[k], 0), 0);
    await waitFor(async () => total("trades") === 3 && total("chat") === 1, 10_000, "the batches");
    expect(batches().every((b) => b.sessionId === "s1")).toBe(true);
    const rows = batches().flatMap((b) => b.seconds);
    expect(rows.map((r) => r.second)).toEqual([...new Set(rows.map((r) => r.second))].sort((a, b) => a - b));
    expect(total("buys")).toBe(2);
    expect(rows.reduce((n, r) => n + r.netBuySol, 0)).toBeCloseTo(1.75, 6);
    expect(rows.filter((r) => r.trades).at(-1)!.marketCap).toBe(41_500);
    expect(rows[0].second).toBeGreaterThanOrEqual(10);

    // A trade right before stop: sent by stop(), after what was sent before.
    fake.trade(MINT, { side: "buy", sol: 2, marketCapUsd: 43_000 });
    await new Promise((r) => setTimeout(r, 200));
    await collector.stop();
    const last = sent.at(-1) as TActivityBatch;
    expect(last.seconds.reduce((n, r) => n + r.trades, 0)).toBe(1);
    expect(last.seconds[0].second).toBeGreaterThan(rows.at(-1)!.second);
  });
});
