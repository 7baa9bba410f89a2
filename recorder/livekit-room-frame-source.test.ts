/**
 * Rooms on the operator's LiveKit server, up to the room: the recorder joins with the token the app sent while
 * it is fresh, asks the app for a new one (signed POST /api/recorder/livekit-token, here a stand-in) when it is
 * within 2 minutes of expiry, and keeps tokens per session. Frames from a real room need a LiveKit server,
 * which cannot run here: the join fails against a port nothing listens on.
 */
import net from "node:net";
import { AccessToken } from "livekit-server-sdk";
import { beforeAll, describe, expect, it } from "vitest";
import type { TLivekitRoomSource } from "@/lib/recorder/protocol";
import { livekitRoomFrameSources, tokenExpiry } from "./livekit-room-frame-source";

let closedPort: number;
let url: string;

beforeAll(async () => {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  closedPort = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  url = `ws://127.0.0.1:${closedPort}`;
});

const mint = (sessionId: string, ttlSeconds: number) =>
  new AccessToken("APIkey", "secret-0123456789abcdef0123456789", {
    identity: `clipstream-recorder-${sessionId}`,
    ttl: ttlSeconds,
  }).toJwt();

function renewer() {
  const asked: string[] = [];
  const fresh: string[] = [];
  const renew = async (sessionId: string): Promise<TLivekitRoomSource> => {
    asked.push(sessionId);
    const token = await mint(sessionId, 6 * 3600);
    fresh.push(token);
    return { kind: "livekit", url, room: "studio", token };
  };
  return { asked, fresh, renew };
}

describe("livekitRoomFrameSources", () => {
  it("reads a token's expiry; an unreadable token counts as expired", async () => {
    const token = await mint("s", 3600);
    expect(Math.abs(tokenExpiry(token) - (Date.now() + 3600_000))).toBeLessThan(2_000);
    expect(tokenExpiry("not-a-jwt")).toBe(0);
  });

  it("joins with the app's token while it is fresh, without asking for another", async () => {
    const r = renewer();
    const open = livekitRoomFrameSources(r.renew, { firstFrameTimeoutMs: 5_000 });
    const token = await mint("s-fresh", 6 * 3600);
    await expect(
      open({ kind: "livekit", sessionId: "s-fresh", url, room: "studio", token }, () => {}),
    ).rejects.toThrow();
    expect(r.asked).toEqual([]);
    expect(open.keepers.get("s-fresh")?.current?.token).toBe(token);
  }, 60_000);

  it("asks the app for a fresh token when the one at hand expires within 2 minutes, and rejoins with it", async () => {
    const r = renewer();
    const open = livekitRoomFrameSources(r.renew, { firstFrameTimeoutMs: 5_000 });
    const stale = await mint("s-old", 60);
    await expect(
      open({ kind: "livekit", sessionId: "s-old", url, room: "studio", token: stale }, () => {}),
    ).rejects.toThrow();
    expect(r.asked).toEqual(["s-old"]);
    expect(open.keepers.get("s-old")?.current?.token).toBe(r.fresh[0]);
    // The retry (the recorder's reconnect loop, same stale token in its start request) uses the kept one.
    await expect(
      open({ kind: "livekit", sessionId: "s-old", url, room: "studio", token: stale }, () => {}),
    ).rejects.toThrow();
    expect(r.asked).toEqual(["s-old"]);
  }, 60_000);

  it("a renewal the app refuses fails the join with the app's reason (the reconnect loop retries)", async () => {
    const open = livekitRoomFrameSources(async () => {
      throw new Error("the app refused a new LiveKit token (HTTP 404): No LiveKit room is being recorded");
    });
    const token = await mint("s-gone", 30);
    await expect(open({ kind: "livekit", sessionId: "s-gone", url, room: "studio", token }, () => {})).rejects.toThrow(
      "HTTP 404",
    );
  });

  it("does not join once the session is stopping, and forgets expired tokens of sessions with no open room", async () => {
    const r = renewer();
    const open = livekitRoomFrameSources(r.renew);
    const token = await mint("s-stop", 6 * 3600);
    await expect(
      open({ kind: "livekit", sessionId: "s-stop", url, room: "studio", token }, () => {}, AbortSignal.abort()),
    ).rejects.toThrow("stopped");
    expect(r.asked).toEqual([]);
    open.keepers.set("s-expired", {
      current: { token: "x", url, room: "studio", expiresAt: Date.now() - 1 },
    } as never);
    await expect(
      open({ kind: "livekit", sessionId: "s-stop", url, room: "studio", token }, () => {}, AbortSignal.abort()),
    ).rejects.toThrow("stopped");
    expect(open.keepers.has("s-expired")).toBe(false);
    expect(open.keepers.has("s-stop")).toBe(false); // nothing kept for a join that never started
  });
});
