/**
 * LiveKit egress into an S3-compatible bucket (LIVEKIT_EGRESS_S3_*): the egress request carries the bucket
 * and credentials, the fake LiveKit server uploads each file to its own S3-compatible store, and the app
 * downloads it with a SigV4-signed GET (checked by the store), records the segment and deletes the object.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userRoomPrefix } from "@/lib/livekit/user-room-prefix";
import { startLivekitStack, waitFor } from "./fixtures/livekit-stack";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "livekit-s3-"));
let ctx: Awaited<ReturnType<typeof startLivekitStack>>;
/** Rooms belong to the account that added them (lib/livekit/user-room.ts). */
const own = (room: string) => `${userRoomPrefix(ctx.user.id)}${room}`;

beforeAll(async () => {
  // The fake serves its S3-compatible store on its own origin.
  ctx = await startLivekitStack(tmp, (livekitUrl) => ({
    LIVEKIT_RECORDING: "egress",
    SEGMENT_SECONDS: "3",
    SEGMENT_OVERLAP_SECONDS: "1",
    LIVEKIT_EGRESS_S3_BUCKET: "egress-bucket",
    LIVEKIT_EGRESS_S3_REGION: "auto",
    LIVEKIT_EGRESS_S3_ACCESS_KEY: "s3-access-key",
    LIVEKIT_EGRESS_S3_SECRET: "s3-secret-key-for-tests",
    LIVEKIT_EGRESS_S3_FORCE_PATH_STYLE: "true",
    LIVEKIT_EGRESS_S3_ENDPOINT: livekitUrl,
  }));
}, 120_000);

afterAll(async () => {
  await ctx?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("LiveKit egress to S3-compatible storage", () => {
  it("uploads each segment to the bucket, downloads it signed into storage, and deletes the object", async () => {
    const { prisma, user, livekit } = ctx;
    const streamer = await prisma.streamer.create({
      data: { userId: user.id, name: "S3 room", kind: "LIVEKIT", source: own("s3-room"), segmentSeconds: 3 },
    });
    livekit.publish(own("s3-room"));
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    const check = await checkStreamer(streamer.id, user.id);
    expect(check.status).toBe("live");
    const sessionId = check.sessionId!;
    expect(livekit.calls.find((c) => c.method === "StartRoomCompositeEgress")!.body).toMatchObject({
      roomName: own("s3-room"),
      fileOutputs: [
        {
          fileType: "MP4",
          filepath: `clipstream/${sessionId}/00000.mp4`,
          s3: {
            bucket: "egress-bucket",
            region: "auto",
            endpoint: livekit.url,
            forcePathStyle: true,
            accessKey: "s3-access-key",
          },
        },
      ],
    });

    await waitFor(
      () => prisma.segment.count({ where: { sessionId, storageKey: { not: null } } }).then((n) => n >= 2),
      60_000,
      "two segments",
    );
    await livekit.closeRoom(own("s3-room"));
    await waitFor(
      async () => (await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } })).status === "ENDED",
      60_000,
      "the session to end",
    );
    await livekit.settle();

    const segments = await prisma.segment.findMany({ where: { sessionId }, orderBy: { number: "asc" } });
    expect(segments.map((s) => s.number)).toEqual(segments.map((_, i) => i));
    expect(segments.every((s) => s.status !== "ERROR" && s.storageKey)).toBe(true);
    const { getStore } = await import("@/lib/storage");
    const { probeMedia } = await import("@/lib/media");
    for (const s of segments) {
      const file = path.join(tmp, `seg-${s.number}.ts`);
      await getStore().download(s.storageKey!, file);
      expect(await probeMedia(file)).toMatchObject({ hasVideo: true, hasAudio: true });
    }
    // Every object was fetched with a valid signature and then deleted; the bucket is empty again.
    const keys = segments.map((s) => `egress-bucket/clipstream/${sessionId}/${String(s.number).padStart(5, "0")}.mp4`);
    expect(
      livekit.s3Requests
        .filter((r) => r.method === "GET")
        .map((r) => r.key)
        .sort(),
    ).toEqual(keys);
    expect(
      livekit.s3Requests
        .filter((r) => r.method === "DELETE")
        .map((r) => r.key)
        .sort(),
    ).toEqual(keys);
    expect([...livekit.objects.keys()]).toEqual([]);
  });
});
