/**
 * The watch switch (PATCH /api/streamers/[id] { monitored }) on the real routes, better-auth and PostgreSQL,
 * with a local recorder speaking the recorder's control API: off stops the recording in progress and keeps
 * its clips; on clears the streamer's note and checks it at once (a check run, not the next 30-s poll).
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, loadApiRoutes } from "./app-server";
import { startAppWithRunner } from "./fixtures/app-with-runner";
import { signUpViaApi, waitFor } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "watch-"));
const stamp = Date.now();
const stops: string[] = [];
let recorder: http.Server;
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const [appPort, runnerPort, recorderPort] = await freePorts(3);
  recorder = http.createServer((req, res) => {
    if (req.method === "DELETE" && req.url?.startsWith("/sessions/")) {
      stops.push(decodeURIComponent(req.url.slice("/sessions/".length)));
      return res.writeHead(200, { "content-type": "application/json" }).end("{}");
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => recorder.listen(recorderPort, "127.0.0.1", () => r()));
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.RECORDER_URL = `http://127.0.0.1:${recorderPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "watch-test-recorder-secret";
  const { prisma, server, runner } = await startAppWithRunner({ routes: await loadApiRoutes(), appPort, runnerPort });
  const user = await signUpViaApi(server.url, {
    email: `watch-${stamp}@example.com`,
    password: "watch-pass-123",
    name: "watch",
    ip: "10.9.0.1",
  });
  return { prisma, server, runner, user };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  await ctx?.prisma.user.deleteMany({ where: { id: ctx.user.id } });
  await ctx?.runner.stop();
  await ctx?.server.close();
  await new Promise<void>((r) => recorder.close(() => r()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

const patch = async (id: string, body: unknown) => {
  const res = await fetch(`${ctx.server.url}/api/streamers/${id}`, {
    method: "PATCH",
    headers: { cookie: ctx.user.cookie, "content-type": "application/json", origin: ctx.server.url },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    json: (await res.json()) as { streamer: { monitored: boolean; lastError: string | null } },
  };
};

describe("watch switch", () => {
  it("off stops the recording and keeps its clips; on clears the note and checks the streamer right away", async () => {
    const { prisma, user } = ctx;
    const streamer = await prisma.streamer.create({
      data: { userId: user.id, name: "w", kind: "URL", source: `file://${tmp}/gone.mp4`, status: "LIVE" },
    });
    const session = await prisma.liveSession.create({
      data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 30 },
    });
    const clip = await prisma.clip.create({
      data: {
        userId: user.id,
        streamerId: streamer.id,
        sessionId: session.id,
        detectionKey: "k",
        startTime: 1,
        endTime: 9,
        title: "Kept",
        reason: "r",
        score: 60,
        engine: "test",
        status: "READY",
      },
    });

    const off = await patch(streamer.id, { monitored: false });
    expect([off.status, off.json.streamer.monitored]).toEqual([200, false]);
    expect(stops).toEqual([session.id]);
    expect(await prisma.clip.findUnique({ where: { id: clip.id }, select: { title: true } })).toEqual({
      title: "Kept",
    });

    // The recorder ends the session (session.ended follows its stop); then watching is turned back on.
    await prisma.liveSession.update({ where: { id: session.id }, data: { status: "ENDED" } });
    await prisma.streamer.update({ where: { id: streamer.id }, data: { status: "OFFLINE", lastError: "a note" } });
    const on = await patch(streamer.id, { monitored: true });
    expect([on.status, on.json.streamer]).toMatchObject([200, { monitored: true, lastError: null }]);
    // Checked at once: the file is gone, so the check run marks it offline with the reason.
    const checked = await waitFor(
      async () => {
        const s = await prisma.streamer.findUniqueOrThrow({ where: { id: streamer.id } });
        return s.lastCheckedAt && s;
      },
      20_000,
      "the check run",
    );
    expect(checked.status).toBe("OFFLINE");
    expect(stops).toHaveLength(1);
  });
});
