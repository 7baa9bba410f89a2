/**
 * Removing a streamer (issue 18.4) through the real DELETE /api/streamers/[id] route, on real PostgreSQL and the
 * local blob store: `?clips=keep` archives it and its clips stay playable and searchable; `?clips=delete` leaves
 * no blob of it behind (segments, audio, live parts, clips, thumbnails, previews, exports) and touches nobody
 * else's; a segment the stopped recorder announces afterwards is deleted on arrival; no choice → 422.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, loadApiRoutes, startRouteServer } from "./app-server";
import { postRecorderWebhook, signUpViaApi } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "remove-streamer-"));
const stamp = Date.now();
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const [appPort, runnerPort] = await freePorts(2);
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "remove-test-recorder-secret";
  const { prisma } = await import("@/lib/db");
  const { getStore, storageKeys } = await import("@/lib/storage");
  const server = await startRouteServer(await loadApiRoutes(), appPort);
  const gail = await signUpViaApi(server.url, {
    email: `gail-${stamp}@example.com`,
    password: "remove-pass-1234",
    name: "gail",
    ip: "10.7.0.1",
  });
  return { prisma, store: getStore(), storageKeys, server, gail };
}

/** A streamer with an ended session holding a segment, its audio, a live part, and one clip with an export. */
async function streamerWithMedia(name: string, title: string) {
  const { prisma, store, storageKeys, gail } = ctx;
  const streamer = await prisma.streamer.create({
    data: { userId: gail.id, name, kind: "URL", source: `https://93.184.215.14/${name}.m3u8` },
  });
  const session = await prisma.liveSession.create({
    data: { userId: gail.id, streamerId: streamer.id, segmentSeconds: 30, status: "ENDED", endedAt: new Date() },
  });
  const segmentKey = storageKeys.segment(session.id, 0);
  await prisma.segment.create({
    data: { userId: gail.id, sessionId: session.id, number: 0, startOffset: 0, duration: 30, storageKey: segmentKey },
  });
  const clip = await prisma.clip.create({
    data: {
      userId: gail.id,
      streamerId: streamer.id,
      sessionId: session.id,
      detectionKey: `${name}-1`,
      startTime: 2,
      endTime: 14,
      title,
      reason: "r",
      score: 80,
      engine: "test",
      status: "READY",
    },
  });
  const exp = await prisma.clipExport.create({
    data: { userId: gail.id, clipId: clip.id, preset: "shorts", layout: "crop", status: "READY" },
  });
  const keys = [
    segmentKey,
    storageKeys.segmentAudio(session.id, 0),
    `${storageKeys.sessionFolder(session.id)}live/part-00001.m4s`,
    storageKeys.clipVideo(clip.id),
    storageKeys.clipThumb(clip.id),
    storageKeys.clipPreviewProxy(clip.id, 0, 10_000, "mp4"),
    storageKeys.exportVideo(exp.id, "shorts"),
  ];
  for (const k of keys) await store.put(k, Buffer.from(`media of ${k}`));
  await prisma.clip.update({
    where: { id: clip.id },
    data: { videoKey: storageKeys.clipVideo(clip.id), thumbKey: storageKeys.clipThumb(clip.id) },
  });
  return { streamer, session, clip, keys };
}

async function remove(id: string, query: string) {
  const res = await fetch(`${ctx.server.url}/api/streamers/${id}${query}`, {
    method: "DELETE",
    headers: { cookie: ctx.gail.cookie, origin: ctx.server.url },
  });
  return { status: res.status, json: (await res.json()) as unknown };
}

const stored = async (keys: string[]) =>
  (await Promise.all(keys.map(async (k) => ((await ctx.store.stat(k)) ? k : null)))).filter(Boolean);

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  await ctx?.server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("DELETE /api/streamers/[id]", () => {
  it("without a choice for its clips → 422 and nothing removed", async () => {
    const { streamer, keys } = await streamerWithMedia("undecided", "Undecided moment");
    for (const q of ["", "?clips=maybe"]) {
      const r = await remove(streamer.id, q);
      expect(r.status).toBe(422);
      expect(r.json).toEqual({
        error: {
          code: "invalid_input",
          message:
            "clips: Say what happens to its clips: ?clips=keep keeps them playable and searchable, ?clips=delete removes them.",
        },
      });
    }
    expect(await ctx.prisma.streamer.findUnique({ where: { id: streamer.id } })).not.toBeNull();
    expect(await stored(keys)).toEqual(keys);
  });

  it("?clips=keep: gone from the list and never checked again; its clip stays playable and searchable", async () => {
    const { streamer, clip, keys } = await streamerWithMedia("keeper", "Kept volcano moment");
    expect(await remove(streamer.id, "?clips=keep")).toEqual({ status: 200, json: { kept: 1, deletedBlobs: 0 } });

    const get = (p: string) =>
      fetch(`${ctx.server.url}${p}`, { headers: { cookie: ctx.gail.cookie } }).then(async (r) => ({
        status: r.status,
        json: (await r.json()) as Record<string, unknown>,
      }));
    const list = (await get("/api/streamers")).json.streamers as { id: string }[];
    expect(list.map((s) => s.id)).not.toContain(streamer.id);
    expect((await get(`/api/streamers/${streamer.id}`)).status).toBe(404);
    const { monitoredStreamers } = await import("@/inngest/monitor-streamers");
    expect((await monitoredStreamers()).map((s) => s.id)).not.toContain(streamer.id);
    const { checkStreamer } = await import("@/lib/live/check-streamer");
    expect(await checkStreamer(streamer.id, ctx.gail.id)).toEqual({ status: "skipped" });
    // A second removal finds nothing to remove.
    expect((await remove(streamer.id, "?clips=delete")).status).toBe(404);

    const page = await get(`/api/clips/${clip.id}`);
    expect(page.status).toBe(200);
    expect(page.json.clip).toMatchObject({ id: clip.id, status: "READY", streamer: { name: "keeper" } });
    const found = await get(`/api/search?q=${encodeURIComponent("volcano")}`);
    expect(JSON.stringify(found.json)).toContain(clip.id);
    expect(await stored(keys)).toEqual(keys);
  });

  it("?clips=delete: every blob of it goes, nobody else's does; a segment announced afterwards is deleted", async () => {
    const gone = await streamerWithMedia("goner", "Deleted moment");
    const other = await streamerWithMedia("stayer", "Other moment");
    const r = await remove(gone.streamer.id, "?clips=delete");
    expect(r).toEqual({ status: 200, json: { kept: 0, deletedBlobs: gone.keys.length } });
    expect(await stored(gone.keys)).toEqual([]);
    expect(await stored(other.keys)).toEqual(other.keys);
    expect(await ctx.prisma.clip.findUnique({ where: { id: gone.clip.id } })).toBeNull();
    expect(await ctx.prisma.liveSession.findUnique({ where: { id: gone.session.id } })).toBeNull();

    // The recorder was still storing the session's last segment when it was stopped.
    const late = ctx.storageKeys.segment(gone.session.id, 1);
    await ctx.store.put(late, Buffer.from("late segment"));
    const res = await postRecorderWebhook(ctx.server.url, {
      type: "segment.recorded",
      sessionId: gone.session.id,
      number: 1,
      startOffset: 30,
      duration: 30,
      storageKey: late,
      sizeBytes: 12,
      final: true,
    });
    expect(res.status).toBe(404);
    expect(await ctx.store.stat(late)).toBeNull();
  });
});
