/**
 * A LiveKit room as a streamer, on real parts except the LiveKit server itself: test/fixtures/fake-livekit.ts
 * speaks LiveKit's Twirp JSON API (checking the SDK's bearer tokens and grants), writes real media with ffmpeg
 * for each file egress and posts `egress_ended` webhooks signed like LiveKit's. The app's real webhook route,
 * Inngest functions (embedded runner), PostgreSQL, storage and ffmpeg do the rest.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AccessToken, EgressInfo, EgressStatus, IngressInput, WebhookEvent } from "livekit-server-sdk";
import { CreateIngressRequest } from "@livekit/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userRoomPrefix } from "@/lib/livekit/user-room-prefix";
import { LIVEKIT_KEY, LIVEKIT_SECRET, startLivekitStack, waitFor } from "./fixtures/livekit-stack";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "livekit-"));
const KEY = LIVEKIT_KEY;
const SECRET = LIVEKIT_SECRET;
const SEGMENT = 4;
let ctx: Awaited<ReturnType<typeof startLivekitStack>>;
/** Rooms belong to the account that added them (lib/livekit/user-room.ts). */
const own = (room: string) => `${userRoomPrefix(ctx.user.id)}${room}`;

/** Signs like LiveKit: an access token (API key + secret) whose `sha256` claim is the body's base64 SHA-256. */
async function sign(body: string, opts: { key?: string; secret?: string; ttl?: number | string } = {}) {
  const at = new AccessToken(opts.key ?? KEY, opts.secret ?? SECRET, { ttl: opts.ttl ?? "5m" });
  at.sha256 = crypto.createHash("sha256").update(body).digest("base64");
  return at.toJwt();
}

async function deliver(body: string, authorization?: string) {
  const res = await fetch(`${ctx.server.url}/api/webhooks/livekit`, {
    method: "POST",
    headers: { "content-type": "application/webhook+json", ...(authorization ? { authorization } : {}) },
    body,
  });
  return { status: res.status, json: await res.json() };
}

const egressEnded = (info: EgressInfo, opts: { id?: string; createdAt?: number } = {}) => {
  const event = new WebhookEvent({
    id: opts.id ?? `EV_${crypto.randomBytes(6).toString("hex")}`,
    createdAt: BigInt(opts.createdAt ?? Math.floor(Date.now() / 1000)),
    egressInfo: info,
  });
  // Set after construction: the SDK subclass's `event = ''` field initializer overrides a constructor value.
  event.event = "egress_ended";
  return event.toJsonString();
};

beforeAll(async () => {
  // The egress option (LIVEKIT_RECORDING=egress); the default, the recorder joining the room, is in
  // test/livekit-recorder.test.ts.
  ctx = await startLivekitStack(tmp, () => ({
    LIVEKIT_RECORDING: "egress",
    SEGMENT_SECONDS: String(SEGMENT),
    SEGMENT_OVERLAP_SECONDS: "1",
  }));
}, 120_000);

afterAll(async () => {
  await ctx?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("LiveKit webhooks", () => {
  let session: { id: string };
  const egressId = `EG_manual_${Date.now()}`;

  beforeAll(async () => {
    const { prisma, user } = ctx;
    const streamer = await prisma.streamer.create({
      data: { userId: user.id, name: "hooks", kind: "LIVEKIT", source: own("hooks-room"), monitored: false },
    });
    session = await prisma.liveSession.create({
      data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 30 },
    });
    await prisma.liveKitEgress.create({
      data: {
        egressId,
        userId: user.id,
        sessionId: session.id,
        number: 0,
        filepath: path.join(tmp, "egress", "x.mp4"),
      },
    });
  });

  const aborted = () =>
    new EgressInfo({
      egressId,
      roomName: own("hooks-room"),
      status: EgressStatus.EGRESS_ABORTED,
      error: "Start signal not received",
    });

  async function snapshot() {
    const { prisma } = ctx;
    return {
      segments: await prisma.segment.count({ where: { sessionId: session.id } }),
      egress: (await prisma.liveKitEgress.findUniqueOrThrow({ where: { egressId } })).status,
      session: (await prisma.liveSession.findUniqueOrThrow({ where: { id: session.id } })).status,
      receipts: await prisma.webhookReceipt.count({ where: { signature: { startsWith: "livekit:" } } }),
    };
  }

  const unauthorized = (reason: string) => ({
    error: { code: "unauthorized", message: `Invalid webhook signature (${reason}).` },
  });

  it.each<[string, () => Promise<{ body: string; auth?: string }>, string]>([
    ["no Authorization header", async () => ({ body: egressEnded(aborted()) }), "missing Authorization"],
    [
      "signed with another secret",
      async () => {
        const body = egressEnded(aborted());
        return { body, auth: await sign(body, { secret: "another-secret-0123456789abcdef" }) };
      },
      "bad or expired token",
    ],
    [
      "signed for another API key",
      async () => {
        const body = egressEnded(aborted());
        return { body, auth: await sign(body, { key: "APIother" }) };
      },
      "bad or expired token",
    ],
    [
      "body changed after signing",
      async () => {
        const body = egressEnded(aborted());
        return { body: body.replace("Start signal", "Start_signal"), auth: await sign(body) };
      },
      "body digest mismatch",
    ],
    [
      "expired token",
      async () => {
        const body = egressEnded(aborted());
        return { body, auth: await sign(body, { ttl: -60 }) };
      },
      "bad or expired token",
    ],
    [
      "stale event (created 10 minutes ago)",
      async () => {
        const body = egressEnded(aborted(), { createdAt: Math.floor(Date.now() / 1000) - 600 });
        return { body, auth: await sign(body) };
      },
      "stale event",
    ],
    [
      "token sent as Bearer (LiveKit sends the raw JWT)",
      async () => {
        const body = egressEnded(aborted());
        return { body, auth: `Bearer ${await sign(body)}` };
      },
      "bad or expired token",
    ],
    [
      "event without an id",
      async () => {
        const body = egressEnded(aborted(), { id: "" });
        return { body, auth: await sign(body) };
      },
      "event without id",
    ],
  ])("%s → 401, nothing changes", async (_name, make, reason) => {
    const before = await snapshot();
    const { body, auth } = await make();
    expect(await deliver(body, auth)).toEqual({ status: 401, json: unauthorized(reason) });
    expect(await snapshot()).toEqual(before);
  });

  it("a completed egress whose file lies outside LIVEKIT_EGRESS_DIR fails its segment and reads nothing", async () => {
    const { prisma, user } = ctx;
    const streamer = await prisma.streamer.create({
      data: { userId: user.id, name: "outside", kind: "LIVEKIT", source: own("outside-room"), monitored: false },
    });
    const s = await prisma.liveSession.create({
      data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 30 },
    });
    const id = `EG_outside_${Date.now()}`;
    await prisma.liveKitEgress.create({
      data: { egressId: id, userId: user.id, sessionId: s.id, number: 0, filepath: path.join(tmp, "egress", "x.mp4") },
    });
    const file = { filename: "/etc/passwd", location: "/etc/passwd", size: 10n };
    const body = egressEnded(
      new EgressInfo({ egressId: id, status: EgressStatus.EGRESS_COMPLETE, fileResults: [file] }),
    );
    const detail = "could not read the egress file: the egress file is outside LIVEKIT_EGRESS_DIR";
    expect(await deliver(body, await sign(body))).toEqual({
      status: 200,
      json: { ok: true, status: "failed", detail },
    });
    expect(await prisma.segment.findFirstOrThrow({ where: { sessionId: s.id } })).toMatchObject({
      status: "ERROR",
      error: detail,
      storageKey: null,
    });
  });

  it("an aborted egress marks its segment failed with LiveKit's reason; a replay is 401, a duplicate delivery a no-op", async () => {
    const { prisma } = ctx;
    const body = egressEnded(aborted());
    const auth = await sign(body);
    expect(await deliver(body, auth)).toEqual({
      status: 200,
      json: { ok: true, status: "failed", detail: "Start signal not received" },
    });
    const segment = await prisma.segment.findUniqueOrThrow({
      where: { sessionId_number: { sessionId: session.id, number: 0 } },
    });
    expect(segment).toMatchObject({
      status: "ERROR",
      error: "Start signal not received",
      storageKey: null,
      final: true,
    });
    // Its only egress failed and nothing follows: the session is over, as failed.
    expect(await prisma.liveSession.findUniqueOrThrow({ where: { id: session.id } })).toMatchObject({
      status: "FAILED",
      endReason: "LiveKit egress failed: Start signal not received",
    });
    const after = await snapshot();
    expect(after.egress).toBe("FAILED");

    // The same delivery again (same event id, same token): a replay.
    expect(await deliver(body, auth)).toEqual({ status: 401, json: unauthorized("replayed") });
    // Re-signed with a fresh token, same event id: still the same event.
    expect(await deliver(body, await sign(body))).toEqual({ status: 401, json: unauthorized("replayed") });
    expect(await snapshot()).toEqual(after);
    // A second event about the same egress (new id): acknowledged, changes nothing.
    const again = egressEnded(aborted());
    expect(await deliver(again, await sign(again))).toEqual({ status: 200, json: { ok: true, status: "duplicate" } });
    expect(await snapshot()).toEqual({ ...after, receipts: after.receipts + 1 });
    // Events of egresses Clipstream did not start are acknowledged and ignored.
    const foreign = egressEnded(new EgressInfo({ egressId: "EG_someone_else", status: EgressStatus.EGRESS_COMPLETE }));
    expect(await deliver(foreign, await sign(foreign))).toEqual({
      status: 200,
      json: { ok: true, status: "ignored", detail: "not a Clipstream egress" },
    });
  });
});

describe("recording a LiveKit room", () => {
  it("goes live when the room has a publisher, rotates one file egress per segment with an overlap, and ends with the room", async () => {
    const { prisma, user, livekit } = ctx;
    const { createStreamer } = await import("@/lib/streamers/streamers");
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    const streamer = await createStreamer(user.id, { source: "livekit:show-room" });
    expect(streamer).toMatchObject({ kind: "LIVEKIT", source: own("show-room"), segmentSeconds: SEGMENT });

    // No room yet, then a room with only a viewer: offline.
    expect(await checkStreamer(streamer.id, user.id)).toEqual({ status: "offline", detail: "the room does not exist" });
    livekit.join(own("show-room"));
    expect(await checkStreamer(streamer.id, user.id)).toEqual({
      status: "offline",
      detail: "nobody is publishing in the room",
    });
    const list = livekit.calls.filter((c) => c.method === "ListParticipants");
    expect(list.at(-1)).toMatchObject({
      service: "RoomService",
      body: { room: own("show-room") },
      grants: { iss: KEY, video: { roomAdmin: true, room: own("show-room") } },
    });

    livekit.publish(own("show-room"));
    const check = await checkStreamer(streamer.id, user.id);
    expect(check.status).toBe("live");
    const sessionId = check.sessionId!;

    const start0 = livekit.calls.find((c) => c.method === "StartRoomCompositeEgress")!;
    expect(start0).toMatchObject({
      service: "Egress",
      grants: { iss: KEY, video: { roomRecord: true } },
      body: {
        roomName: own("show-room"),
        layout: "speaker",
        fileOutputs: [{ fileType: "MP4", filepath: path.join(tmp, "egress", sessionId, "00000.mp4") }],
      },
    });

    // Segment 1's egress fails mid-way (LiveKit reports EGRESS_FAILED with a reason when it is stopped).
    const egress1 = await waitFor(
      () => prisma.liveKitEgress.findUnique({ where: { sessionId_number: { sessionId, number: 1 } } }),
      60_000,
      "egress 1",
    );
    livekit.failEgress(egress1.egressId, "pipeline frozen");
    // Let a few segments record, then everyone leaves and the room closes.
    await waitFor(
      () => prisma.segment.count({ where: { sessionId, status: { not: "RECORDING" } } }).then((n) => n >= 3),
      90_000,
      "three segments",
    );
    await livekit.closeRoom(own("show-room"));
    await waitFor(
      async () => (await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } })).status === "ENDED",
      60_000,
      "the session to end",
    );
    await livekit.settle();

    const egresses = await prisma.liveKitEgress.findMany({ where: { sessionId }, orderBy: { number: "asc" } });
    const segments = await prisma.segment.findMany({ where: { sessionId }, orderBy: { number: "asc" } });
    expect(segments.map((s) => s.number)).toEqual(egresses.map((e) => e.number));
    expect(segments.map((s) => s.number)).toEqual(segments.map((_, i) => i));
    expect(egresses.map((e) => e.status)).toEqual(egresses.map((e) => (e.number === 1 ? "FAILED" : "ENDED")));
    expect(egresses.filter((e) => e.final).map((e) => e.number)).toEqual([egresses.length - 1]);
    expect(segments[1]).toMatchObject({ status: "ERROR", error: "pipeline frozen", storageKey: null });
    expect(segments.at(-1)!.final).toBe(true);
    expect(await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      endReason: "the LiveKit room ended",
    });

    // Rotation: segment n+1's egress starts before segment n's is stopped (the overlap), every time.
    const order = livekit.calls.filter((c) => c.method === "StartRoomCompositeEgress" || c.method === "StopEgress");
    const startedAt = (n: number) =>
      order.findIndex(
        (c) =>
          c.method === "StartRoomCompositeEgress" &&
          (c.body.fileOutputs as { filepath: string }[])[0].filepath.endsWith(`${String(n).padStart(5, "0")}.mp4`),
      );
    const stoppedAt = (id: string) => order.findIndex((c) => c.method === "StopEgress" && c.body.egressId === id);
    for (const e of egresses.slice(0, -1)) {
      expect(startedAt(e.number + 1)).toBeGreaterThan(-1);
      expect(stoppedAt(e.egressId)).toBeGreaterThan(startedAt(e.number + 1));
    }

    // Each recorded segment is a stored MPEG-TS file with picture and sound, cut where the next egress began,
    // so the segments are contiguous in stream time (the overlap is not recorded twice).
    const { getStore } = await import("@/lib/storage");
    const { probeMedia } = await import("@/lib/media");
    for (const s of segments) {
      const e = egresses[s.number];
      const first = egresses[0].startedAt.getTime();
      expect(s.startOffset).toBeCloseTo((e.startedAt.getTime() - first) / 1000, 3);
      if (s.status === "ERROR") continue;
      const file = path.join(tmp, `seg-${s.number}.ts`);
      await getStore().download(s.storageKey!, file);
      const media = await probeMedia(file);
      expect(media).toMatchObject({ hasVideo: true, hasAudio: true });
      expect(media.duration).toBeCloseTo(s.duration, 1);
      const next = egresses[s.number + 1];
      if (next)
        expect(Math.abs(s.duration - (next.startedAt.getTime() - e.startedAt.getTime()) / 1000)).toBeLessThan(0.25);
      // The egress's own file is gone once stored.
      expect(fs.existsSync(e.filepath)).toBe(false);
    }

    // Recorded segments go through the normal pipeline.
    await waitFor(
      () =>
        prisma.segment
          .findMany({ where: { sessionId, storageKey: { not: null } } })
          .then((xs) => xs.every((x) => x.status === "DONE")),
      120_000,
      "segments processed",
    );
  });

  it("removing a recording LiveKit streamer stops its running egress", async () => {
    const { prisma, user, livekit } = ctx;
    const streamer = await prisma.streamer.create({
      data: { userId: user.id, name: "Gone", kind: "LIVEKIT", source: own("gone-room"), segmentSeconds: 60 },
    });
    livekit.publish(own("gone-room"));
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    const { sessionId } = await checkStreamer(streamer.id, user.id);
    const egress = await prisma.liveKitEgress.findUniqueOrThrow({
      where: { sessionId_number: { sessionId: sessionId!, number: 0 } },
    });
    const { removeStreamer } = await import("@/lib/streamers/remove-streamer");
    const { stopSegmentEgress } = await import("@/lib/livekit/segment-egress");
    await removeStreamer(user.id, streamer.id, "delete");
    expect(livekit.calls.filter((c) => c.method === "StopEgress").at(-1)!.body).toEqual({ egressId: egress.egressId });
    expect(EgressStatus[livekit.egresses.get(egress.egressId)!.info.status]).toMatch(/EGRESS_(ENDING|COMPLETE)/);
    // A second stop of the same egress (LiveKit: failed_precondition) is not an error.
    await livekit.settle();
    await expect(stopSegmentEgress(egress.egressId)).resolves.toBeUndefined();
    // Its webhook finds no egress row any more (the streamer and its sessions are gone): acknowledged, ignored.
    const last = livekit.webhooks.at(-1)!;
    expect(last.status).toBe(200);
  });

  it("creates an RTMP or WHIP ingress into the streamer's room and stores no stream key", async () => {
    const { prisma, user, livekit } = ctx;
    const streamer = await prisma.streamer.create({
      data: { userId: user.id, name: "Pusher", kind: "LIVEKIT", source: own("push-room"), monitored: false },
    });
    const { createIngress } = await import("@/lib/livekit/create-ingress");
    const rtmp = await createIngress(user.id, streamer.id, { type: "rtmp" });
    expect(rtmp).toMatchObject({
      type: "rtmp",
      url: expect.stringMatching(/^rtmp:\/\//),
      streamKey: expect.stringMatching(/^\S{12,}$/),
      ingressId: expect.stringMatching(/^IN_/),
    });
    const whip = await createIngress(user.id, streamer.id, { type: "whip" });
    expect(whip.url).toMatch(/^http:\/\/.*\/w$/);
    const calls = livekit.calls.filter((c) => c.method === "CreateIngress");
    // Protobuf JSON leaves out defaults: RTMP_INPUT is enum value 0.
    expect(calls.map((c) => CreateIngressRequest.fromJson(c.body as never))).toEqual([
      expect.objectContaining({
        inputType: IngressInput.RTMP_INPUT,
        roomName: own("push-room"),
        participantIdentity: `ingress-${streamer.id}`,
        participantName: "Pusher",
      }),
      expect.objectContaining({
        inputType: IngressInput.WHIP_INPUT,
        roomName: own("push-room"),
        participantIdentity: `ingress-${streamer.id}`,
      }),
    ]);
    expect(calls[1].body).toMatchObject({ inputType: "WHIP_INPUT" });
    expect(calls[0].grants.video).toMatchObject({ ingressAdmin: true });
    const row = JSON.stringify(await prisma.streamer.findUniqueOrThrow({ where: { id: streamer.id } }));
    expect(row).not.toContain(rtmp.streamKey);

    const url = await prisma.streamer.create({
      data: { userId: user.id, name: "u", kind: "URL", source: "https://93.184.215.14/a.m3u8", monitored: false },
    });
    await expect(createIngress(user.id, url.id, { type: "rtmp" })).rejects.toMatchObject({
      code: "invalid_input",
      message: "Ingress is only available for LiveKit room streamers.",
    });
    await expect(createIngress("someone-else", streamer.id, { type: "rtmp" })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("another account's room (or a bare name) is neither recorded nor given an ingress; a shared room is", async () => {
    const { prisma, user, livekit } = ctx;
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    const { createIngress } = await import("@/lib/livekit/create-ingress");
    const { createStreamer } = await import("@/lib/streamers/streamers");
    const victim = `${userRoomPrefix("victim-user")}boardroom`;
    livekit.publish(victim);
    livekit.publish("bare-room");
    const before = livekit.calls.length;
    for (const room of [victim, "bare-room"]) {
      // As an old row or a crafted insert would hold it: the app refuses to touch the room.
      const streamer = await prisma.streamer.create({
        data: { userId: user.id, name: room, kind: "LIVEKIT", source: room, monitored: true },
      });
      const detail =
        "This LiveKit room is not one of this account's rooms: remove the streamer and add livekit:<room> again";
      expect(await checkStreamer(streamer.id, user.id)).toEqual({ status: "error", detail });
      expect(await prisma.streamer.findUniqueOrThrow({ where: { id: streamer.id } })).toMatchObject({
        status: "ERROR",
        lastError: detail,
      });
      expect(await prisma.liveSession.count({ where: { streamerId: streamer.id } })).toBe(0);
      await expect(createIngress(user.id, streamer.id, { type: "rtmp" })).rejects.toMatchObject({
        code: "forbidden",
      });
    }
    // Typing the victim's full room name gives this account's own room of that name, not the victim's.
    const typed = await createStreamer(user.id, { source: `livekit:${victim}` });
    expect(typed.source).toBe(own(victim));
    expect(livekit.calls.slice(before).filter((c) => /Egress|Ingress|ListParticipants/.test(c.method))).toEqual([]);
  });
});
