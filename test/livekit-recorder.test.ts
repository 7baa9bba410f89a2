/**
 * A room on the operator's LiveKit server recorded by the recorder as a hidden viewer (LIVEKIT_RECORDING's
 * default): the streamer check asks the fake LiveKit server (test/fixtures/fake-livekit.ts, LiveKit's Twirp JSON
 * API with the SDK's signed calls) whether the room has a publisher, opens the session and starts the real
 * recorder with a `livekit` source carrying a viewer token the app minted. A local media file, decoded into
 * whole frames and PCM chunks through the recorder's RawPacer, stands in for the room's tracks (no LiveKit
 * server runs here); the real segmenter cuts segments and audio chunks, the app's real routes store them in
 * PostgreSQL, and the room emptying stops the recording and ends the session.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TokenVerifier } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, startRouteServer } from "./app-server";
import { startFakeLivekit, type TFakeLivekit } from "./fixtures/fake-livekit";
import { LIVEKIT_KEY, LIVEKIT_SECRET, waitFor } from "./fixtures/livekit-stack";
import { userRoomPrefix } from "@/lib/livekit/user-room-prefix";
import type { TLivekitRoom } from "@/recorder/frame-source";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "livekit-recorder-"));
const SEGMENT = 4;
const CHUNK = 2;
const USER_ID = `lkr-${Date.now()}`;
/** Rooms belong to the account that added them (lib/livekit/user-room.ts). */
const own = (room: string) => `${userRoomPrefix(USER_ID)}${room}`;
const ROOM = own("studio");
const SECRET = "livekit-recorder-test-secret";
let ctx: Awaited<ReturnType<typeof setup>>;
let livekit: TFakeLivekit;

/** The grants of a recorder viewer token, exactly. */
const VIEWER_GRANTS = {
  room: ROOM,
  roomJoin: true,
  canSubscribe: true,
  canPublish: false,
  canPublishData: false,
  hidden: true,
};

async function setup() {
  livekit = await startFakeLivekit({ apiKey: LIVEKIT_KEY, apiSecret: LIVEKIT_SECRET });
  const [appPort, runnerPort, recorderPort] = await freePorts(3);
  delete process.env.LIVEKIT_RECORDING; // the default: the recorder
  Object.assign(process.env, {
    RECORDER_URL: `http://127.0.0.1:${recorderPort}`,
    APP_URL: `http://127.0.0.1:${appPort}`,
    INNGEST_DEV: `http://127.0.0.1:${runnerPort}`,
    STORAGE_DIR: path.join(tmp, "blobs"),
    RECORDER_SECRET: SECRET,
    LIVEKIT_URL: livekit.url,
    LIVEKIT_API_KEY: LIVEKIT_KEY,
    LIVEKIT_API_SECRET: LIVEKIT_SECRET,
    LIVE_CHUNK_SECONDS: String(CHUNK),
  });

  const { prisma } = await import("@/lib/db");
  await prisma.jobRun.deleteMany({ where: { functionId: { startsWith: "clipstream-" } } });
  const webhook = await import("@/app/api/webhooks/recorder/route");
  const activeSessions = await import("@/app/api/recorder/sessions/route");
  const livekitToken = await import("@/app/api/recorder/livekit-token/route");
  const inngestRoute = await import("@/app/api/inngest/route");
  const server = await startRouteServer(
    {
      "/api/webhooks/recorder": { POST: webhook.POST as never },
      "/api/recorder/sessions": { GET: activeSessions.GET as never },
      "/api/recorder/livekit-token": { POST: livekitToken.POST as never },
      "/api/inngest": {
        GET: inngestRoute.GET as never,
        POST: inngestRoute.POST as never,
        PUT: inngestRoute.PUT as never,
      },
    },
    appPort,
  );
  const { startRunner } = await import("@/lib/jobs/runner");
  const runner = await startRunner({
    port: runnerPort,
    serveUrl: `${server.url}/api/inngest`,
    backoffBaseMs: 200,
    syncIntervalMs: 0,
  });
  await waitFor(
    async () => (await prisma.jobFunction.count({ where: { appId: "clipstream" } })) >= 5,
    20_000,
    "function registration",
  );
  const stamp = Date.now();
  const user = await prisma.user.create({
    data: { id: USER_ID, name: "LiveKit recorder", email: `livekit-recorder-${stamp}@example.com` },
  });
  const streamer = await prisma.streamer.create({
    data: { userId: user.id, name: "Studio", kind: "LIVEKIT", source: ROOM, segmentSeconds: SEGMENT },
  });

  // The room's publisher: 20 s of picture and tone, played once, as whole frames and PCM chunks.
  const media = path.join(tmp, "room.mp4");
  execFileSync("ffmpeg", [
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=320x180:rate=25",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:sample_rate=44100",
    "-t",
    "20",
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-c:a",
    "aac",
    "-shortest",
    media,
  ]);
  const { pacedFileFrameSources } = await import("@/recorder/paced-file-frame-source");
  const play = pacedFileFrameSources((room) => (room === ROOM ? media : undefined));
  const joins: TLivekitRoom[] = [];
  const { startRecorder } = await import("@/recorder/server");
  const { createLocalStore } = await import("@/lib/storage/local-store");
  const recorder = await startRecorder({
    port: recorderPort,
    appUrl: server.url,
    secret: SECRET,
    spoolDir: path.join(tmp, "spool"),
    store: createLocalStore(process.env.STORAGE_DIR!),
    reconnectGraceSeconds: 120,
    // Stands in for joinLivekitRoom: what the recorder would join with is recorded, the file plays once.
    livekitRooms: async (room, log, signal) => {
      joins.push(room);
      if (joins.length > 1) throw new Error(`no video published in room ${room.room} yet`);
      return play(room.room, log, signal);
    },
    log: () => {},
  });
  return { prisma, server, runner, recorder, user, streamer, joins };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  await ctx?.recorder.stop();
  await ctx?.runner.stop();
  await ctx?.prisma.user.delete({ where: { id: ctx.user.id } });
  await ctx?.server.close();
  await livekit?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function verifyViewerToken(token: string, sessionId: string) {
  const claims = await new TokenVerifier(LIVEKIT_KEY, LIVEKIT_SECRET).verify(token);
  expect(claims.sub).toBe(`clipstream-recorder-${sessionId}`);
  expect(claims.video).toEqual(VIEWER_GRANTS);
  expect(claims.exp! - claims.nbf!).toBe(6 * 60 * 60);
  return claims;
}

describe("a LiveKit room recorded by the recorder as a hidden viewer", () => {
  it("starts the recorder with a minted viewer token, records segments and audio chunks, and ends with the room", async () => {
    const { prisma, user, streamer, joins, server } = ctx;
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    expect(await checkStreamer(streamer.id, user.id)).toEqual({ status: "offline", detail: "the room does not exist" });

    livekit.publish(ROOM);
    // (The embedded runner's poller may get there first: it runs the same check.)
    const check = await checkStreamer(streamer.id, user.id);
    expect(["live", "recording"]).toContain(check.status);
    const sessionId = (
      await prisma.liveSession.findFirstOrThrow({ where: { streamerId: streamer.id, status: "RECORDING" } })
    ).id;
    await waitFor(async () => joins.length >= 1, 20_000, "the recorder to join the room");
    expect(joins[0]).toMatchObject({
      sessionId,
      url: livekit.url.replace(/^http/, "ws"),
      room: ROOM,
    });
    await verifyViewerToken(joins[0].token, sessionId);
    // No egress: the recorder records the room.
    expect(livekit.calls.filter((c) => c.service === "Egress")).toEqual([]);

    // While it records, the check keeps watching the room (and pollers include the streamer).
    const { monitoredStreamers } = await import("@/inngest/monitor-streamers");
    expect((await monitoredStreamers()).map((s) => s.id)).toContain(streamer.id);
    expect(await checkStreamer(streamer.id, user.id)).toEqual({ status: "recording", sessionId });

    // Audio chunks land while their segment still records; segments follow.
    // (A chunk's row goes once its segment has used it: each is seen while polling.)
    const chunks = new Map<number, number>();
    await waitFor(
      async () => {
        for (const c of await prisma.audioChunk.findMany({ where: { sessionId } }))
          chunks.set(c.startOffset, c.duration);
        return chunks.size >= 2 && (await prisma.segment.count({ where: { sessionId } })) >= 2;
      },
      60_000,
      "audio chunks and two segments",
    );
    for (const duration of chunks.values()) expect(duration).toBeCloseTo(CHUNK, 0);
    // The live edge's media buffer: short parts of the room are stored while it records.
    const { readLiveManifest } = await import("@/lib/live-edge/manifest");
    const manifest = await waitFor(
      async () => {
        const m = await readLiveManifest(sessionId);
        return m && m.parts.length >= 2 ? m : null;
      },
      30_000,
      "live parts of the room",
    );
    expect(manifest.ended).toBe(false);
    expect(manifest.parts.every((p) => p.duration > 0 && p.duration <= 3)).toBe(true);

    // A restarted recorder is told to resume the room, with a fresh token.
    const { signRequest, SIGNATURE_HEADER } = await import("@/lib/signing");
    const list = await fetch(`${server.url}/api/recorder/sessions`, {
      headers: { [SIGNATURE_HEADER]: signRequest(SECRET, "GET", "/api/recorder/sessions", "") },
    });
    const listed = ((await list.json()) as { sessions: { sessionId: string; source: { token: string } }[] }).sessions;
    const mine = listed.find((s) => s.sessionId === sessionId)!;
    expect(mine).toMatchObject({
      streamerId: streamer.id,
      source: { kind: "livekit", url: livekit.url.replace(/^http/, "ws"), room: ROOM },
      segmentSeconds: SEGMENT,
      audioChunkSeconds: CHUNK,
    });
    await verifyViewerToken(mine.source.token, sessionId);

    // Token renewal, as the recorder asks for it (signed POST): a fresh token for a recording room only.
    const { appTokenRenewer } = await import("@/recorder/livekit-room-frame-source");
    const renewed = await appTokenRenewer(server.url, SECRET)(sessionId);
    expect(renewed).toMatchObject({ kind: "livekit", room: ROOM });
    await verifyViewerToken(renewed.token, sessionId);
    await expect(appTokenRenewer(server.url, SECRET)("no-such-session")).rejects.toThrow(
      "the app refused a new LiveKit token (HTTP 404): No LiveKit room is being recorded for that session.",
    );
    await expect(appTokenRenewer(server.url, "another-recorder-secret-0123")(sessionId)).rejects.toThrow(
      "the app refused a new LiveKit token (HTTP 401): Invalid signature (mismatch).",
    );

    // Everyone leaves while the publisher still plays: the check stops the recording, the last segment is final.
    await livekit.closeRoom(ROOM);
    expect(await checkStreamer(streamer.id, user.id)).toEqual({
      status: "offline",
      sessionId,
      detail: "the room does not exist",
    });
    const ended = await waitFor(
      async () => {
        const s = await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } });
        return s.status !== "RECORDING" ? s : null;
      },
      60_000,
      "the session to end",
    );
    expect(ended).toMatchObject({ status: "ENDED", endReason: "stopped" });
    expect(joins).toHaveLength(1);
    const rows = await prisma.segment.findMany({ where: { sessionId }, orderBy: { number: "asc" } });
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.map((r) => r.number)).toEqual(rows.map((_, i) => i));
    expect(rows.filter((r) => r.final).map((r) => r.number)).toEqual([rows.length - 1]);
    const { getStore } = await import("@/lib/storage");
    const { probeMedia } = await import("@/lib/media");
    for (const r of rows) {
      const file = path.join(tmp, `seg-${r.number}.ts`);
      await getStore().download(r.storageKey!, file);
      const media = await probeMedia(file);
      expect(media).toMatchObject({ hasVideo: true, hasAudio: true });
      expect(media.duration).toBeCloseTo(r.duration, 0);
    }
    // The renewal route refuses an ended session.
    await expect(appTokenRenewer(server.url, SECRET)(sessionId)).rejects.toThrow("HTTP 404");
  }, 240_000);

  it("a recording room the recorder does not have (its spool lost) is ended in the app once the room is empty; an egress session is left to its rotation", async () => {
    const { prisma, user } = ctx;
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    const lost = await prisma.streamer.create({
      data: { userId: user.id, name: "Lost", kind: "LIVEKIT", source: own("lost-room"), status: "LIVE" },
    });
    const session = await prisma.liveSession.create({
      data: { userId: user.id, streamerId: lost.id, segmentSeconds: SEGMENT },
    });
    livekit.publish(own("lost-room"));
    expect(await checkStreamer(lost.id, user.id)).toEqual({ status: "recording", sessionId: session.id });
    await livekit.closeRoom(own("lost-room"));
    expect(await checkStreamer(lost.id, user.id)).toMatchObject({ status: "offline", sessionId: session.id });
    expect(await prisma.liveSession.findUniqueOrThrow({ where: { id: session.id } })).toMatchObject({
      status: "ENDED",
      endReason: "the LiveKit room ended; the recorder had no recording of it",
    });
    expect((await prisma.streamer.findUniqueOrThrow({ where: { id: lost.id } })).status).toBe("OFFLINE");

    // A session with egress rows is LiveKit egress's (LIVEKIT_RECORDING=egress when it started): not touched here.
    const egressed = await prisma.streamer.create({
      data: { userId: user.id, name: "Egress", kind: "LIVEKIT", source: own("egress-room") },
    });
    const s2 = await prisma.liveSession.create({
      data: { userId: user.id, streamerId: egressed.id, segmentSeconds: SEGMENT },
    });
    await prisma.liveKitEgress.create({
      data: { egressId: `EG_t_${Date.now()}`, userId: user.id, sessionId: s2.id, number: 0, filepath: "/x.mp4" },
    });
    expect(await checkStreamer(egressed.id, user.id)).toEqual({ status: "recording", sessionId: s2.id });
    expect(livekit.calls.filter((c) => c.body.room === own("egress-room"))).toEqual([]);
    const { signRequest, SIGNATURE_HEADER } = await import("@/lib/signing");
    const list = await fetch(`${ctx.server.url}/api/recorder/sessions`, {
      headers: { [SIGNATURE_HEADER]: signRequest(SECRET, "GET", "/api/recorder/sessions", "") },
    });
    const ids = ((await list.json()) as { sessions: { sessionId: string }[] }).sessions.map((x) => x.sessionId);
    expect(ids).not.toContain(s2.id);
    await prisma.liveSession.update({ where: { id: s2.id }, data: { status: "ENDED" } });
  });
});
