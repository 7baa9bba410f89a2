import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakePumpfunFeed, unifiedTrade, type TFakeFeed } from "@/test/fixtures/fake-pumpfun-feed";
import { waitFor } from "@/test/support";
import {
  decodeTradePayload,
  openActivityFeed,
  parseTrade,
  type TActivityFeed,
  type TPumpChat,
  type TPumpTrade,
} from "./activity-feed";

const MINT = "4k3Dyjzvzp8eMZWUXbBCjEvwSkkk59S5iCNLY3QrkX6R";
const OTHER = "So11111111111111111111111111111111111111112";

describe("parseTrade / decodeTradePayload", () => {
  it("reads pump.fun's unified trade, wrapped as a JSON string, numbers as decimal strings", () => {
    const raw = JSON.stringify(JSON.stringify(unifiedTrade(MINT, { side: "buy", sol: 1.25, marketCapUsd: 51234.5 })));
    expect(parseTrade(decodeTradePayload(raw), MINT, 1000)).toMatchObject({
      at: 1000,
      side: "buy",
      sol: 1.25,
      marketCap: 51234.5,
    });
  });

  it("refuses another coin's trade, an unknown side and a shape that is not a trade", () => {
    const t = unifiedTrade(OTHER, { side: "sell", sol: 2, marketCapUsd: 10 });
    expect(parseTrade(t, MINT, 0)).toBeNull();
    expect(
      parseTrade({ ...unifiedTrade(MINT, { side: "buy", sol: 1, marketCapUsd: 1 }), type: "create" }, MINT, 0),
    ).toBe(null);
    expect(parseTrade({ mint: MINT, tx: "x" }, MINT, 0)).toBeNull();
    expect(parseTrade({ ...t, mintAddress: MINT, amountSol: "lots" }, MINT, 0)).toBeNull();
  });
});

describe("openActivityFeed against a local fake of pump.fun's feeds", () => {
  let fake: TFakeFeed;
  let feed: TActivityFeed;
  const trades: TPumpTrade[] = [];
  const chats: TPumpChat[] = [];
  const status: string[] = [];

  beforeAll(async () => {
    fake = await startFakePumpfunFeed();
    feed = openActivityFeed({
      mint: MINT,
      tradesUrl: fake.tradesUrl,
      tradesUser: fake.user,
      tradesPass: fake.pass,
      chatUrl: fake.chatUrl,
      onTrade: (t) => trades.push(t),
      onChat: (c) => chats.push(c),
      onStatus: (f, s) => status.push(`${f}:${s}`),
      minReconnectMs: 100,
      maxReconnectMs: 400,
    });
  });
  afterAll(async () => {
    await feed?.close();
    await fake?.close();
  });

  it("subscribes to the coin's trade subject and joins its chat room", async () => {
    await waitFor(
      async () => fake.subjects().includes(`unifiedTradeEvent.processed.${MINT}`) && fake.rooms().includes(MINT),
      10_000,
      "subscription and room",
    );
    fake.trade(MINT, { side: "buy", sol: 0.5, marketCapUsd: 40_000 });
    fake.trade(MINT, { side: "sell", sol: 0.2, marketCapUsd: 39_000 });
    fake.chat(MINT, "lfg");
    fake.chat(OTHER, "another room");
    await waitFor(async () => trades.length === 2 && chats.length === 1, 5_000, "two trades and a message");
    expect(trades.map((t) => [t.side, t.sol, t.marketCap])).toEqual([
      ["buy", 0.5, 40_000],
      ["sell", 0.2, 39_000],
    ]);
    expect(feed.skipped).toBe(0);
  });

  it("comes back after the connections drop, subscribed and in the room again", async () => {
    const before = { ...fake.connections };
    fake.drop();
    await waitFor(
      async () =>
        fake.connections.trades > before.trades &&
        fake.connections.chat > before.chat &&
        fake.subjects().includes(`unifiedTradeEvent.processed.${MINT}`) &&
        fake.rooms().includes(MINT),
      15_000,
      "both feeds to reconnect",
    );
    expect(status).toEqual(expect.arrayContaining(["trades:disconnected", "chat:disconnected"]));
    fake.trade(MINT, { side: "buy", sol: 3, marketCapUsd: 45_000 });
    fake.chat(MINT, "back");
    await waitFor(async () => trades.length === 3 && chats.length === 2, 5_000, "messages after the reconnect");
    expect(trades[2]).toMatchObject({ side: "buy", sol: 3, marketCap: 45_000 });
  });

  it("does not open the trade feed without the password, and a wrong one never delivers", async () => {
    const seen: string[] = [];
    const none = openActivityFeed({
      mint: MINT,
      tradesPass: "",
      chatUrl: fake.chatUrl,
      onTrade: () => seen.push("trade"),
      onChat: () => {},
      onStatus: (f, s) => seen.push(`${f}:${s}`),
    });
    expect(seen).toContain("trades:unavailable");
    await none.close();
    const wrong = openActivityFeed({
      mint: MINT,
      tradesUrl: fake.tradesUrl,
      tradesUser: fake.user,
      tradesPass: "not-the-password",
      chatUrl: fake.chatUrl,
      onTrade: () => seen.push("trade"),
      onChat: () => {},
      minReconnectMs: 100,
      maxReconnectMs: 200,
    });
    const subs = fake.subjects().length;
    await new Promise((r) => setTimeout(r, 700));
    fake.trade(MINT, { side: "buy", sol: 1, marketCapUsd: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.subjects().length).toBe(subs);
    expect(seen).not.toContain("trade");
    // Refused, it kept trying (with backoff) until closed, and stops there.
    const tries = fake.connections.tradeSockets;
    await wrong.close();
    await new Promise((r) => setTimeout(r, 600));
    expect(fake.connections.tradeSockets).toBe(tries);
  });
});
