import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("checkStreamer for a LiveKit room", () => {
  it("without a configured LiveKit server: the streamer shows the error, no session is opened", async () => {
    vi.resetModules();
    for (const k of ["LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"]) vi.stubEnv(k, undefined);
    const { prisma } = await import("@/lib/db");
    const { checkStreamer } = await import("./check-streamer");
    const stamp = Date.now();
    const user = await prisma.user.create({
      data: { id: `cs-${stamp}`, name: "c", email: `check-streamer-${stamp}@example.com` },
    });
    try {
      const streamer = await prisma.streamer.create({
        data: { userId: user.id, name: "room", kind: "LIVEKIT", source: "some-room", monitored: true },
      });
      expect(await checkStreamer(streamer.id, user.id)).toEqual({
        status: "error",
        detail: "LiveKit is not configured on this server",
      });
      expect(await prisma.streamer.findUniqueOrThrow({ where: { id: streamer.id } })).toMatchObject({
        status: "ERROR",
        lastError: "LiveKit is not configured on this server",
      });
      expect(await prisma.liveSession.count({ where: { streamerId: streamer.id } })).toBe(0);
    } finally {
      await prisma.user.delete({ where: { id: user.id } });
    }
  });
});
