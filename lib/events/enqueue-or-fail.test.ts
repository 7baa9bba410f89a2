import { afterEach, describe, expect, it, vi } from "vitest";
import { inngest } from "@/inngest/client";
import { clipRequested } from "@/inngest/events";
import { prisma } from "@/lib/db";
import { handleApiError } from "@/lib/http/errors";
import { queueExports } from "@/lib/studio/queue-exports";
import { enqueueOrFail } from "./enqueue-or-fail";

/** The send is replaced with a spy: these tests are about what happens around it, not about Inngest. */
afterEach(() => {
  vi.restoreAllMocks();
});

describe("enqueueOrFail", () => {
  const event = clipRequested.create({ clipId: "c1", userId: "u1" }, { id: "render-c1" });

  it("sends the events and leaves the rows alone when the send succeeds", async () => {
    const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: ["e1"] });
    const markFailed = vi.fn(async () => {});
    await enqueueOrFail([event], markFailed);
    expect(send).toHaveBeenCalledWith([event]);
    expect(markFailed).not.toHaveBeenCalled();
  });

  it("marks the rows failed and rethrows the send's error when the send fails", async () => {
    const boom = new Error("connect ECONNREFUSED 127.0.0.1:8288");
    vi.spyOn(inngest, "send").mockRejectedValue(boom);
    const markFailed = vi.fn(async () => {});
    await expect(enqueueOrFail(event, markFailed)).rejects.toBe(boom);
    expect(markFailed).toHaveBeenCalledTimes(1);
  });
});

describe("queueExports (POST /api/exports) around the send", () => {
  async function seed() {
    const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const user = await prisma.user.create({ data: { id: `eq-${stamp}`, name: "E", email: `eq-${stamp}@example.com` } });
    const streamer = await prisma.streamer.create({
      data: { userId: user.id, name: "S", kind: "URL", source: `https://example.com/${stamp}.m3u8`, monitored: false },
    });
    const session = await prisma.liveSession.create({
      data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 30 },
    });
    const base = {
      userId: user.id,
      streamerId: streamer.id,
      sessionId: session.id,
      reason: "r",
      engine: "offline",
      score: 50,
      status: "READY" as const,
    };
    const clips = await Promise.all(
      [0, 1].map((i) =>
        prisma.clip.create({
          data: {
            ...base,
            detectionKey: `t${i}`,
            startTime: i * 20,
            endTime: i * 20 + 15,
            duration: 15,
            title: `Clip ${i}`,
          },
        }),
      ),
    );
    return { user, clips };
  }
  const input = (clipIds: string[]) => ({
    clipIds,
    preset: "tiktok" as const,
    layout: "blur" as const,
    captionStyle: "bold_pop" as const,
    captions: true,
  });

  it("queues one export-clip event per export, keyed by the export, each valid against its schema", async () => {
    const { user, clips } = await seed();
    const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: [] });
    const exports = await queueExports(user.id, input(clips.map((c) => c.id)));
    const sent = send.mock.calls[0][0] as { id?: string; name: string; data: unknown; validate: () => Promise<void> }[];
    expect(sent.map((e) => ({ id: e.id, name: e.name, data: e.data }))).toEqual(
      exports.map((e) => ({
        id: `export-${e.id}`,
        name: "clip/export.requested",
        data: { exportId: e.id, userId: user.id },
      })),
    );
    for (const e of sent) await e.validate();
    const rows = await prisma.clipExport.findMany({ where: { userId: user.id } });
    expect(rows.map((r) => r.status)).toEqual(["PENDING", "PENDING"]);
  });

  it("a failed send marks every export of the batch failed; the API answers 500 without the internal error", async () => {
    const { user, clips } = await seed();
    vi.spyOn(inngest, "send").mockRejectedValue(new Error("connect ECONNREFUSED 127.0.0.1:8288"));
    vi.spyOn(console, "error").mockImplementation(() => {});
    const err = await queueExports(user.id, input(clips.map((c) => c.id))).catch((e: unknown) => e);
    const res = handleApiError(err);
    expect([res.status, await res.json()]).toEqual([
      500,
      { error: { code: "internal", message: "Something went wrong on our side." } },
    ]);
    const rows = await prisma.clipExport.findMany({ where: { userId: user.id } });
    expect(rows.map((r) => [r.status, r.error])).toEqual([
      ["ERROR", "Could not queue the export."],
      ["ERROR", "Could not queue the export."],
    ]);
  });
});
