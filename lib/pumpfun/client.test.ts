import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakePumpfun, type TFakePumpfun } from "@/test/fixtures/fake-pumpfun";
import { decodeJwtClaims, pumpfunClient, PumpfunError, viewerTokenKeeper } from "./client";

const MINT = "2qEHjDLDLbuBgRYvsxhc5D6uDWAivNFZGan56P1tpump";
let fake: TFakePumpfun;

beforeAll(async () => {
  fake = await startFakePumpfun();
});
afterAll(() => fake.close());

describe("pumpfun client", () => {
  it("reads offline (empty 200 body), starting and live streams", async () => {
    const client = pumpfunClient({ apiUrl: fake.url });
    fake.set(MINT, "offline");
    await expect(client.getLivestream(MINT)).resolves.toEqual({ live: false });
    fake.set(MINT, "starting");
    const starting = await client.getLivestream(MINT);
    expect(starting).toMatchObject({
      live: true,
      stream: { mintId: MINT, isLive: true, numParticipants: 0, mode: "livestream" },
    });
    fake.set(MINT, "live");
    await expect(client.getLivestream(MINT)).resolves.toMatchObject({ live: true, stream: { numParticipants: 12 } });
    expect(fake.calls).toContain(`GET /livestream?mintId=${MINT}`);
  });

  it("joins as a hidden viewer and decodes the token's expiry and room", async () => {
    fake.set(MINT, "live");
    const client = pumpfunClient({ apiUrl: fake.url, livekitUrl: "wss://example.livekit.cloud" });
    const before = Date.now();
    const t = await client.joinAsViewer(MINT);
    expect(fake.joins.at(-1)).toEqual({ mintId: MINT, viewer: true, hidden: true });
    expect(t.url).toBe("wss://example.livekit.cloud");
    expect(t.room).toBe(MINT);
    expect(t.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
    expect(decodeJwtClaims(t.token)).toMatchObject({ video: { room: MINT, canSubscribe: true, hidden: true } });
  });

  it("refreshes the token before it expires, once for concurrent callers", async () => {
    fake.set(MINT, "live");
    const client = pumpfunClient({ apiUrl: fake.url });
    const keeper = viewerTokenKeeper(client, MINT, 120_000);
    const joinsBefore = fake.joins.length;
    const [a, b] = await Promise.all([keeper.get(), keeper.get()]);
    expect(a).toBe(b);
    expect(fake.joins.length).toBe(joinsBefore + 1);
    await keeper.get(a.expiresAt - 200_000); // comfortably valid: reused
    expect(fake.joins.length).toBe(joinsBefore + 1);
    expect(keeper.needsRefresh(a.expiresAt - 60_000)).toBe(true);
    await keeper.get(a.expiresAt - 60_000); // inside the refresh margin: a new join
    expect(fake.joins.length).toBe(joinsBefore + 2);
  });

  it("renews the token in the background before it expires, until stopped", async () => {
    fake.set(MINT, "live");
    fake.tokenTtlSeconds = 4; // expires 3-4 s after the join; renewed 2.5 s ahead of that
    try {
      const keeper = viewerTokenKeeper(pumpfunClient({ apiUrl: fake.url }), MINT, 2_500);
      const first = await keeper.get();
      const joinsBefore = fake.joins.length;
      const errors: Error[] = [];
      const stop = keeper.keepFresh((e) => errors.push(e));
      const end = Date.now() + 20_000;
      while (keeper.current === first && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      const renewedAt = Date.now();
      const second = keeper.current!;
      expect(second).not.toBe(first);
      expect(renewedAt).toBeLessThan(first.expiresAt); // the old token was still valid
      expect(second.expiresAt).toBeGreaterThanOrEqual(first.expiresAt);
      expect(second.token).not.toBe(first.token);
      expect(fake.joins.at(-1)).toEqual({ mintId: MINT, viewer: true, hidden: true });
      stop();
      const joinsAtStop = fake.joins.length;
      expect(joinsAtStop).toBeGreaterThan(joinsBefore);
      await new Promise((r) => setTimeout(r, 2_500)); // a running keeper would have renewed again by now
      expect(fake.joins.length).toBe(joinsAtStop);
      expect(errors).toEqual([]);
    } finally {
      fake.tokenTtlSeconds = 900;
    }
  });

  it("keeps retrying a failed renewal and reports each failure", async () => {
    fake.set(MINT, "live");
    fake.tokenTtlSeconds = 2;
    try {
      const keeper = viewerTokenKeeper(pumpfunClient({ apiUrl: fake.url }), MINT, 5_000);
      const first = await keeper.get();
      fake.set(MINT, "offline"); // joins now answer 404
      const errors: Error[] = [];
      const stop = keeper.keepFresh((e) => errors.push(e), 200);
      const end = Date.now() + 20_000;
      while (errors.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(errors.map((e) => e.message).slice(0, 2)).toEqual([
        "That pump.fun stream is not live.",
        "That pump.fun stream is not live.",
      ]);
      fake.set(MINT, "live");
      while (keeper.current === first && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      stop();
      expect(keeper.current).not.toBe(first);
    } finally {
      fake.tokenTtlSeconds = 900;
    }
  });

  it.each([["error", "pump.fun is having trouble (HTTP 500)."]] as const)(
    "turns a %s stream lookup into a friendly error",
    async (state, message) => {
      fake.set(MINT, state);
      const err = await pumpfunClient({ apiUrl: fake.url })
        .getLivestream(MINT)
        .catch((e) => e);
      expect(err).toBeInstanceOf(PumpfunError);
      expect(err.message).toBe(message);
    },
  );

  it("refuses to join an offline stream", async () => {
    fake.set(MINT, "offline");
    await expect(pumpfunClient({ apiUrl: fake.url }).joinAsViewer(MINT)).rejects.toThrow(
      "That pump.fun stream is not live.",
    );
  });

  it.each([
    ["not json", "{oops", "pump.fun sent an unreadable livestream response."],
    [
      "wrong shape",
      JSON.stringify({ mintId: MINT, isLive: "yes" }),
      "pump.fun sent an unexpected livestream response.",
    ],
  ])("rejects a %s body", async (_name, body, message) => {
    const server = http.createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(pumpfunClient({ apiUrl: url }).getLivestream(MINT)).rejects.toThrow(message);
    } finally {
      server.close();
    }
  });

  it("says so when pump.fun cannot be reached", async () => {
    await expect(pumpfunClient({ apiUrl: "http://127.0.0.1:1" }).getLivestream(MINT)).rejects.toThrow(
      "pump.fun could not be reached.",
    );
  });
});
