/**
 * The LiveKit adapter up to the room: it loads the native @livekit/rtc-node binding, asks the (fake) pump.fun
 * API for a hidden viewer token and fails with a clear error when the stream is offline or the room's server
 * cannot be reached. Frames from a real room need a LiveKit server, which cannot run here.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pumpfunClient } from "@/lib/pumpfun/client";
import { startFakePumpfun, type TFakePumpfun } from "@/test/fixtures/fake-pumpfun";
import { livekitFrameSources } from "./livekit-frame-source";

const MINT = "2qEHjDLDLbuBgRYvsxhc5D6uDWAivNFZGan56P1tpump";
let fake: TFakePumpfun;
let closedPort: number;

beforeAll(async () => {
  fake = await startFakePumpfun();
  // A port nothing listens on: bound, then released.
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  closedPort = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
});
afterAll(() => fake.close());

describe("livekitFrameSources", () => {
  it("refuses an offline coin without touching LiveKit", async () => {
    fake.set(MINT, "offline");
    const open = livekitFrameSources(pumpfunClient({ apiUrl: fake.url, livekitUrl: `ws://127.0.0.1:${closedPort}` }));
    await expect(open(MINT, () => {})).rejects.toThrow("That pump.fun stream is not live.");
  });

  it("does not join once the session is stopping", async () => {
    fake.set(MINT, "live");
    const joins = fake.joins.length;
    const open = livekitFrameSources(pumpfunClient({ apiUrl: fake.url, livekitUrl: `ws://127.0.0.1:${closedPort}` }));
    await expect(open(MINT, () => {}, AbortSignal.abort())).rejects.toThrow("stopped");
    expect(fake.joins.length).toBe(joins);
  });

  it("joins as a hidden viewer, then fails clearly when the room's server is unreachable", async () => {
    fake.set(MINT, "live");
    const joins = fake.joins.length;
    const open = livekitFrameSources(
      pumpfunClient({ apiUrl: fake.url, livekitUrl: `ws://127.0.0.1:${closedPort}` }),
      5_000,
    );
    await expect(open(MINT, () => {})).rejects.toThrow();
    expect(fake.joins.slice(joins)).toEqual([{ mintId: MINT, viewer: true, hidden: true }]);
    // The recorder's retry rejoins with the kept token while it is valid: no second join.
    await expect(open(MINT, () => {})).rejects.toThrow();
    expect(fake.joins.length).toBe(joins + 1);
  }, 60_000);
});
