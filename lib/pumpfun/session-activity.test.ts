import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { readActivity } from "./read-activity";
import { sessionActivity } from "./session-activity";
import { storeActivity } from "./store-activity";

const stamp = Date.now();
let owner: string;
let other: string;
let sessionId: string;

beforeAll(async () => {
  owner = (await prisma.user.create({ data: { id: `u-act-${stamp}`, name: "a", email: `act-${stamp}@example.com` } }))
    .id;
  other = (await prisma.user.create({ data: { id: `u-act2-${stamp}`, name: "b", email: `act2-${stamp}@example.com` } }))
    .id;
  const streamer = await prisma.streamer.create({
    data: { userId: owner, name: "coin", kind: "PUMPFUN", source: "4k3Dyjzvzp8eMZWUXbBCjEvwSkkk59S5iCNLY3QrkX6R" },
  });
  sessionId = (
    await prisma.liveSession.create({ data: { userId: owner, streamerId: streamer.id, segmentSeconds: 60 } })
  ).id;
});
afterAll(async () => {
  await prisma.user.deleteMany({ where: { id: { in: [owner, other] } } });
});

const row = (second: number, trades: number, marketCap: number | null, chat = 0) => ({
  second,
  trades,
  buys: trades,
  netBuySol: trades * 0.5,
  marketCap,
  chat,
});

describe("pump.fun activity rows", () => {
  it("stores a batch in one statement, a resent second replaces its row, an unknown session stores nothing", async () => {
    expect(
      await storeActivity({ type: "activity.batch", sessionId, seconds: [row(3, 2, 100), row(4, 1, null, 2)] }),
    ).toBe(2);
    expect(await storeActivity({ type: "activity.batch", sessionId, seconds: [row(4, 5, 120, 1)] })).toBe(1);
    expect(await storeActivity({ type: "activity.batch", sessionId: "no-such-session", seconds: [row(1, 1, 1)] })).toBe(
      0,
    );
    const rows = await prisma.pumpActivity.findMany({ where: { sessionId }, orderBy: { second: "asc" } });
    expect(rows.map((r) => [r.second, r.trades, r.buys, r.netBuySol, r.marketCap, r.chat])).toEqual([
      [3, 2, 2, 1, 100, 0],
      [4, 5, 5, 2.5, 120, 1],
    ]);
  });

  it("gives detection the window and the 5 minutes before it", async () => {
    await storeActivity({ type: "activity.batch", sessionId, seconds: [row(400, 1, 130), row(700, 1, 140)] });
    const a = await readActivity(sessionId, { start: 650, end: 710 });
    expect(a).toEqual({
      from: 350,
      to: 710,
      seconds: [
        { t: 400, trades: 1, buys: 1, netBuySol: 0.5, marketCap: 130, chat: 0 },
        { t: 700, trades: 1, buys: 1, netBuySol: 0.5, marketCap: 140, chat: 0 },
      ],
    });
  });

  it("sums the session into strips for its owner only, carrying the market cap over quiet buckets", async () => {
    const strips = await sessionActivity(owner, sessionId, 900);
    expect(strips).toMatchObject({ bucketSeconds: 3, span: 900 });
    expect(strips!.trades.length).toBe(300);
    expect(strips!.trades[1]).toBe(7); // seconds 3 and 4
    expect(strips!.chat[1]).toBe(1);
    expect(strips!.netBuySol[1]).toBe(3.5);
    expect(strips!.marketCap[0]).toBeNull();
    expect(strips!.marketCap[1]).toBe(120);
    expect(strips!.marketCap[100]).toBe(120); // carried until second 400
    expect(strips!.marketCap[133]).toBe(130);
    expect(strips!.marketCap[299]).toBe(140);
    expect(await sessionActivity(other, sessionId, 900)).toBeNull();
  });
});
