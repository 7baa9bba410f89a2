/**
 * Hardening of the HTTP surface against the app's real route handlers (every route.ts under app/api, found
 * on disk), real better-auth sessions and real PostgreSQL:
 *  - isolation: a second user gets 404 for every route that takes the first user's ids, and no route leaks
 *    the first user's data; a route added without an entry in ISOLATION fails the suite. It runs twice: signed
 *    in (session cookie), and with API tokens (Authorization: Bearer);
 *  - bad input: table-driven, exact error bodies, nothing stored;
 *  - body size bound, sign-in rate limit, share pages expose only what was shared.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { openSse } from "./fixtures/sse-client";
import { freePorts, HTTP_METHODS, loadApiRoutes, startRouteServer } from "./app-server";
import { signUpViaApi } from "./support";

/** Webhook deliveries claimed (request nonces of the runner and the recorder share the table and arrive at any time). */
const WEBHOOK_RECEIPTS = {
  where: { NOT: [{ signature: { startsWith: "runner:" } }, { signature: { startsWith: "recorder:" } }] },
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hardening-"));
/** A browser's push keys: an uncompressed P-256 point and a 16-byte secret, base64url. */
const PUSH_KEYS = (() => {
  const ecdh = crypto.createECDH("prime256v1");
  return { p256dh: ecdh.generateKeys().toString("base64url"), auth: crypto.randomBytes(16).toString("base64url") };
})();
const stamp = Date.now();
let ctx: Awaited<ReturnType<typeof setup>>;

type TUser = {
  id: string;
  email: string;
  cookie: string;
  /** A read-and-write API token of the user's. */ token: string;
};

/** How the isolation entries authenticate their user: signed in, or with the user's API token. */
let authMode: "cookie" | "token" = "cookie";
const authHeaders = (u: TUser): Record<string, string> =>
  authMode === "token" ? { authorization: `Bearer ${u.token}` } : { cookie: u.cookie };

async function setup() {
  const [appPort, runnerPort, recorderPort] = await freePorts(3);
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.RECORDER_URL = `http://127.0.0.1:${recorderPort}`; // nothing listens: stopping a recording only warns
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "hardening-test-recorder-secret";
  // LiveKit configured (nothing listens there): its webhook route must verify, not just be switched off.
  process.env.LIVEKIT_URL = `http://127.0.0.1:${recorderPort}`;
  process.env.LIVEKIT_API_KEY = "APIhardening";
  process.env.LIVEKIT_API_SECRET = "hardening-test-livekit-secret";
  delete process.env.ALLOW_PRIVATE_SOURCES;
  delete process.env.ALLOW_FILE_SOURCES;

  const { prisma } = await import("@/lib/db");
  const routes = await loadApiRoutes();
  const server = await startRouteServer(routes, appPort);
  const { startRunner } = await import("@/lib/jobs/runner");
  const runner = await startRunner({
    port: runnerPort,
    serveUrl: `${server.url}/api/inngest`,
    backoffBaseMs: 200,
    syncIntervalMs: 0,
  });

  /** A user signed up through the API, with a write token made through POST /api/tokens. */
  const signUp = async (name: string): Promise<TUser> => {
    const u = await signUpViaApi(server.url, {
      email: `${name}-${stamp}@example.com`,
      password: "isolation-pass-1",
      name,
      ip: `10.1.0.${name.length}`,
    });
    return { ...u, token: (await createToken(server.url, u.cookie, { name: "isolation", scope: "write" })).secret };
  };
  const alice = await signUp("alice");
  const bob = await signUp("bob");

  // Alice's data, one of everything a route can address.
  const streamer = await prisma.streamer.create({
    data: {
      userId: alice.id,
      name: "Alice live",
      kind: "URL",
      source: "https://93.184.215.14/alice.m3u8",
      monitored: false,
    },
  });
  const session = await prisma.liveSession.create({
    data: { userId: alice.id, streamerId: streamer.id, segmentSeconds: 30, status: "ENDED" },
  });
  const segment = await prisma.segment.create({
    data: {
      userId: alice.id,
      sessionId: session.id,
      number: 0,
      startOffset: 0,
      duration: 30,
      storageKey: `sessions/${session.id}/segments/0.ts`,
      status: "ERROR",
      error: "boom",
    },
  });
  await prisma.transcript.create({
    data: {
      segmentId: segment.id,
      userId: alice.id,
      engine: "test",
      text: "PRIVATE-TRANSCRIPT-BEYOND-EXCERPT the shared words",
      words: [],
    },
  });
  const clip = await prisma.clip.create({
    data: {
      userId: alice.id,
      streamerId: streamer.id,
      sessionId: session.id,
      segmentId: segment.id,
      detectionKey: "k1",
      startTime: 2,
      endTime: 14,
      title: "Alice's moment",
      reason: "loud",
      score: 80,
      engine: "test",
      excerpt: "the shared words",
      status: "READY",
      videoKey: `clips/${stamp}/v.mp4`,
      thumbKey: `clips/${stamp}/t.jpg`,
      shareSlug: `share${stamp}`,
    },
  });
  const otherClip = await prisma.clip.create({
    data: {
      userId: alice.id,
      streamerId: streamer.id,
      sessionId: session.id,
      detectionKey: "k2",
      startTime: 20,
      endTime: 28,
      title: "Not shared",
      reason: "loud",
      score: 70,
      engine: "test",
      status: "READY",
      videoKey: `clips/${stamp}/v2.mp4`,
    },
  });
  const { getStore } = await import("@/lib/storage");
  await getStore().put(clip.videoKey!, Buffer.from("alice video bytes"), { contentType: "video/mp4" });
  // A live buffer for her session, so Bob's 404s below come from ownership, not from a missing manifest.
  const { liveKeys } = await import("@/lib/live-edge/manifest");
  const manifest = {
    sessionId: session.id,
    updatedAt: new Date().toISOString(),
    targetDuration: 2,
    parts: [0, 1, 2].map((seq) => ({ seq, key: liveKeys.part(session.id, seq), start: seq * 2, duration: 2 })),
    ended: false,
  };
  await getStore().put(liveKeys.manifest(session.id), Buffer.from(JSON.stringify(manifest)), {
    contentType: "application/json",
  });
  const endpoint = await prisma.webhookEndpoint.create({
    data: {
      userId: alice.id,
      url: "https://93.184.215.14/alice-hooks",
      events: ["clip.ready"],
      secret: "whsec_YWxpY2UtcHJpdmF0ZS1zaWduaW5nLWtleQ==",
    },
  });
  const delivery = await prisma.webhookDelivery.create({
    data: {
      userId: alice.id,
      endpointId: endpoint.id,
      type: "clip.ready",
      eventKey: `clip.ready:${clip.id}`,
      objectId: clip.id,
      // Settled, so no job picks it up during the suite.
      status: "DELIVERED",
      enqueuedAt: new Date(),
      payload: '{"type":"clip.ready"}',
    },
  });
  const pushEndpoint = `https://93.184.215.14/push/alice-${stamp}`;
  await prisma.pushSubscription.create({
    data: { userId: alice.id, endpoint: pushEndpoint, p256dh: PUSH_KEYS.p256dh, auth: PUSH_KEYS.auth },
  });
  return {
    prisma,
    server,
    runner,
    signUp,
    alice,
    bob,
    streamer,
    session,
    segment,
    clip,
    otherClip,
    endpoint,
    delivery,
    pushEndpoint,
  };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  await ctx?.runner.stop();
  await ctx?.prisma.jobRun.deleteMany({ where: { functionId: { startsWith: "clipstream-" } } });
  await ctx?.server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function call(
  method: string,
  p: string,
  opts: { as?: TUser; json?: unknown; body?: string | Buffer; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.as) Object.assign(headers, authHeaders(opts.as));
  let body: string | Buffer | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers["content-type"] = "application/json";
  }
  const res = await fetch(`${ctx.server.url}${p}`, { method, headers, body: body as BodyInit | undefined });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, text, json };
}

/** A token made through POST /api/tokens, signed in with `cookie` (201 checked). */
async function createToken(appUrl: string, cookie: string, body: Record<string, unknown>) {
  const res = await fetch(`${appUrl}/api/tokens`, {
    method: "POST",
    headers: { cookie, origin: appUrl, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { secret: string; token: { id: string } };
}

/** Alice's streamers, clips and segments as they stand: a request that must change nothing leaves this equal. */
async function aliceRows() {
  return JSON.stringify(
    await Promise.all([
      ctx.prisma.streamer.findMany({ where: { userId: ctx.alice.id }, orderBy: { id: "asc" } }),
      ctx.prisma.clip.findMany({ where: { userId: ctx.alice.id }, orderBy: { id: "asc" } }),
      ctx.prisma.segment.findMany({ where: { userId: ctx.alice.id }, orderBy: { id: "asc" } }),
    ]),
  );
}

/** Nothing of Alice's may appear in a response to Bob. */
function expectNoLeak(text: string) {
  for (const secret of [
    ctx.alice.email,
    ctx.alice.id,
    ctx.streamer.id,
    ctx.session.id,
    ctx.segment.id,
    ctx.clip.id,
    ctx.otherClip.id,
    ctx.endpoint.id,
    ctx.endpoint.secret,
    "alice-hooks",
    "Alice live",
    "PRIVATE-TRANSCRIPT",
  ]) {
    expect(text).not.toContain(secret);
  }
}

const notFound = (message: string) => ({ error: { code: "not_found", message } });
const TOKENS_SIGNED_IN_ONLY = {
  error: { code: "forbidden", message: "API tokens are managed in Settings, signed in, not with a token." },
};

/** tus protocol headers: every request carries the version; a creation names the length and metadata. */
const TUS = { "tus-resumable": "1.0.0" };
const TUS_CREATE = (streamerId: string) => ({
  ...TUS,
  "upload-length": "10",
  "upload-metadata": `filename ${Buffer.from("a.mp4").toString("base64")},streamerId ${Buffer.from(streamerId).toString("base64")}`,
});
let aliceUploadPath: Promise<string> | undefined;
/** An upload of Alice's (10 bytes announced, none sent), created once: its path under /api/uploads. */
function aliceUpload(): Promise<string> {
  aliceUploadPath ??= fetch(`${ctx.server.url}/api/uploads`, {
    method: "POST",
    headers: { ...TUS_CREATE(ctx.streamer.id), cookie: ctx.alice.cookie, origin: ctx.server.url },
  }).then((res) => {
    expect(res.status).toBe(201);
    return res.headers.get("location")!;
  });
  return aliceUploadPath;
}

/**
 * One entry per exported method of every API route. Each tries Bob (or no one) against Alice's data and
 * asserts the exact answer; every response is also checked for leaks of Alice's data.
 */
const ISOLATION: Record<string, () => Promise<void>> = {
  "GET /api/auth/[...all]": async () => {
    const r = await call("GET", "/api/auth/get-session", { as: ctx.bob });
    expect(r.status).toBe(200);
    // An API token is not a sign-in session: better-auth knows nobody.
    if (authMode === "token") expect(r.json).toBeNull();
    else expect((r.json as { user: { email: string } }).user.email).toBe(ctx.bob.email);
    expectNoLeak(r.text);
  },
  "POST /api/auth/[...all]": async () => {
    // Bob knows Alice's email but not her password: no session for him.
    const r = await call("POST", "/api/auth/sign-in/email", {
      as: ctx.bob,
      json: { email: ctx.alice.email, password: "wrong-password-1" },
      headers: { origin: ctx.server.url, "x-forwarded-for": "10.2.0.1" },
    });
    expect(r.status).toBe(401);
    expectNoLeak(r.text);
  },
  "GET /api/clips": async () => {
    for (const q of ["", `?streamerId=${ctx.streamer.id}`, `?sessionId=${ctx.session.id}`]) {
      const r = await call("GET", `/api/clips${q}`, { as: ctx.bob });
      expect(r.status, q).toBe(200);
      expect(r.json).toEqual({ clips: [], nextCursor: null });
    }
    // A cursor built from Alice's clip does not page into her clips (keyset cursors still filter by user).
    const c = await call("GET", `/api/clips?cursor=${Date.now() + 60_000}_${ctx.clip.id}&review=PENDING&render=READY`, {
      as: ctx.bob,
    });
    expect([c.status, c.json]).toEqual([200, { clips: [], nextCursor: null }]);
    expectNoLeak(c.text);
  },
  "PATCH /api/clips/[id]": async () => {
    const r = await call("PATCH", `/api/clips/${ctx.clip.id}`, {
      as: ctx.bob,
      json: { review: "REJECTED", favorite: true },
    });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
    const row = await ctx.prisma.clip.findUniqueOrThrow({ where: { id: ctx.clip.id } });
    expect([row.review, row.favorite]).toEqual(["PENDING", false]);
  },
  "DELETE /api/clips/[id]": async () => {
    const r = await call("DELETE", `/api/clips/${ctx.clip.id}`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
    expect(await ctx.prisma.clip.count({ where: { id: ctx.clip.id } })).toBe(1);
  },
  "POST /api/clips/[id]/retry": async () => {
    const before = await ctx.prisma.clip.findUniqueOrThrow({ where: { id: ctx.clip.id } });
    const r = await call("POST", `/api/clips/${ctx.clip.id}/retry`, { as: ctx.bob, json: {} });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
    const after = await ctx.prisma.clip.findUniqueOrThrow({ where: { id: ctx.clip.id } });
    expect([after.status, after.updatedAt]).toEqual([before.status, before.updatedAt]);
  },
  "GET /api/search": async () => {
    // Alice's transcript and clip title words find nothing for Bob.
    for (const q of ["PRIVATE-TRANSCRIPT-BEYOND-EXCERPT", "shared words", "Alice's moment"]) {
      const r = await call("GET", `/api/search?q=${encodeURIComponent(q)}`, { as: ctx.bob });
      expect([r.status, r.json]).toEqual([200, { q, moments: [], clips: [] }]);
    }
  },
  "GET /api/clips/[id]": async () => {
    const r = await call("GET", `/api/clips/${ctx.clip.id}`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
  },
  "POST /api/clips/[id]/share": async () => {
    const r = await call("POST", `/api/clips/${ctx.otherClip.id}/share`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
    expect((await ctx.prisma.clip.findUniqueOrThrow({ where: { id: ctx.otherClip.id } })).shareSlug).toBeNull();
  },
  "DELETE /api/clips/[id]/share": async () => {
    const r = await call("DELETE", `/api/clips/${ctx.clip.id}/share`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
    expect((await ctx.prisma.clip.findUniqueOrThrow({ where: { id: ctx.clip.id } })).shareSlug).toBe(`share${stamp}`);
  },
  "GET /api/clips/[id]/captions": async () => {
    for (const q of ["", "?format=srt", "?format=vtt"]) {
      const r = await call("GET", `/api/clips/${ctx.clip.id}/captions${q}`, { as: ctx.bob });
      expect([q, r.status, r.json]).toEqual([q, 404, notFound("Clip not found.")]);
    }
  },
  "PUT /api/clips/[id]/captions": async () => {
    const r = await call("PUT", `/api/clips/${ctx.clip.id}/captions`, {
      as: ctx.bob,
      json: { cues: [{ start: 0, end: 1, text: "mine" }] },
    });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
    expect((await ctx.prisma.clip.findUniqueOrThrow({ where: { id: ctx.clip.id } })).captions).toBeNull();
  },
  "DELETE /api/clips/[id]/captions": async () => {
    await ctx.prisma.clip.update({
      where: { id: ctx.otherClip.id },
      data: { captions: [{ start: 0, end: 1, text: "kept" }] },
    });
    const r = await call("DELETE", `/api/clips/${ctx.otherClip.id}/captions`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
    expect((await ctx.prisma.clip.findUniqueOrThrow({ where: { id: ctx.otherClip.id } })).captions).toEqual([
      { start: 0, end: 1, text: "kept" },
    ]);
  },
  "GET /api/clips/[id]/metadata": async () => {
    const r = await call("GET", `/api/clips/${ctx.clip.id}/metadata`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
  },
  "GET /api/clips/metadata": async () => {
    // One of Alice's among the ids: the whole batch is refused, nothing of it returned.
    const r = await call("GET", `/api/clips/metadata?ids=${ctx.clip.id},${ctx.otherClip.id}`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
    expectNoLeak(r.text);
  },
  "GET /api/clips/[id]/preview": async () => {
    const r = await call("GET", `/api/clips/${ctx.clip.id}/preview`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
  },
  "POST /api/clips/[id]/trim": async () => {
    const r = await call("POST", `/api/clips/${ctx.clip.id}/trim`, { as: ctx.bob, json: { start: 3, end: 9 } });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
    expect(await ctx.prisma.clip.findUniqueOrThrow({ where: { id: ctx.clip.id } })).toMatchObject({
      startTime: 2,
      endTime: 14,
      trimStart: null,
    });
  },
  "GET /api/clips/[id]/waveform": async () => {
    const r = await call("GET", `/api/clips/${ctx.clip.id}/waveform`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
  },
  "GET /api/dashboard": async () => {
    const r = await call("GET", "/api/dashboard", { as: ctx.bob });
    expect(r.status).toBe(200);
    expect((r.json as { streamers: unknown[] }).streamers).toEqual([]);
    expectNoLeak(r.text);
  },
  "GET /api/events": async () => {
    const bob = await openSse(`${ctx.server.url}/api/events`, authHeaders(ctx.bob));
    try {
      await bob.waitFor((f) => f.event === "ready", 10_000, "bob's stream");
      // Alice's rows change (a no-op update still fires the row triggers): Bob's stream carries none of it.
      await ctx.prisma.clip.update({ where: { id: ctx.clip.id }, data: { title: ctx.clip.title } });
      await ctx.prisma.liveSession.update({ where: { id: ctx.session.id }, data: { status: ctx.session.status } });
      await new Promise((r) => setTimeout(r, 1000));
      expect(bob.frames.filter((f) => f.event === "change")).toEqual([]);
      expectNoLeak(bob.text());
    } finally {
      bob.close();
    }
  },
  "GET /api/exports": async () => {
    const exp = await ctx.prisma.clipExport.create({
      data: {
        userId: ctx.alice.id,
        clipId: ctx.clip.id,
        preset: "tiktok",
        layout: "pad",
        status: "READY",
        outputKey: ctx.clip.videoKey,
      },
    });
    for (const q of [`?ids=${exp.id}`, `?clipId=${ctx.clip.id}`, ""]) {
      const r = await call("GET", `/api/exports${q}`, { as: ctx.bob });
      expect([q, r.status, r.json]).toEqual([q, 200, { exports: [] }]);
      expectNoLeak(r.text);
    }
    await ctx.prisma.clipExport.delete({ where: { id: exp.id } });
  },
  "POST /api/exports": async () => {
    const r = await call("POST", "/api/exports", {
      as: ctx.bob,
      json: { clipIds: [ctx.clip.id], preset: "tiktok", layout: "pad" },
    });
    expect([r.status, r.json]).toEqual([404, notFound("Clip not found.")]);
    expect(await ctx.prisma.clipExport.count({ where: { clipId: ctx.clip.id } })).toBe(0);
  },
  "GET /api/exports/zip": async () => {
    const exp = await ctx.prisma.clipExport.create({
      data: {
        userId: ctx.alice.id,
        clipId: ctx.clip.id,
        preset: "tiktok",
        layout: "pad",
        status: "READY",
        outputKey: ctx.clip.videoKey,
      },
    });
    const r = await call("GET", `/api/exports/zip?ids=${exp.id}`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Export not found.")]);
    await ctx.prisma.clipExport.delete({ where: { id: exp.id } });
  },
  "GET /api/inngest": async () => {
    // Only the embedded runner may call the Inngest endpoint (its signature; the SDK's with INNGEST_SIGNING_KEY).
    const r = await call("GET", "/api/inngest", { as: ctx.bob });
    expect([r.status, r.json]).toEqual([
      401,
      { error: { code: "unauthorized", message: "Invalid runner signature (missing)." } },
    ]);
    expectNoLeak(r.text);
  },
  "POST /api/inngest": async () => {
    const r = await call("POST", "/api/inngest?fnId=clipstream-process-segment&stepId=step", {
      as: ctx.bob,
      json: { event: { name: "segment/recording.ready", data: { segmentId: ctx.segment.id } } },
    });
    expect([r.status, r.json]).toEqual([
      401,
      { error: { code: "unauthorized", message: "Invalid runner signature (missing)." } },
    ]);
    expectNoLeak(r.text);
    expect((await ctx.prisma.segment.findUniqueOrThrow({ where: { id: ctx.segment.id } })).status).toBe("ERROR");
  },
  "PUT /api/inngest": async () => {
    const r = await call("PUT", "/api/inngest", { as: ctx.bob });
    expect([r.status, r.json]).toEqual([
      401,
      { error: { code: "unauthorized", message: "Invalid runner signature (missing)." } },
    ]);
    expectNoLeak(r.text);
  },
  "GET /api/media/[...key]": async () => {
    // Media is addressed by signed URL only: Alice's key without, or with a forged/borrowed, signature is 404.
    const { mediaUrl } = await import("@/lib/media-url");
    const good = mediaUrl(ctx.clip.videoKey)!;
    expect((await call("GET", good)).status).toBe(200);
    const sig = new URL(good, "http://x").searchParams;
    for (const p of [
      `/api/media/${ctx.clip.videoKey}`,
      `/api/media/${ctx.otherClip.videoKey}?exp=${sig.get("exp")}&sig=${sig.get("sig")}`,
      `/api/media/${ctx.clip.videoKey}?exp=${Number(sig.get("exp")) + 3600}&sig=${sig.get("sig")}`,
      `/api/media/${ctx.segment.storageKey}?exp=${sig.get("exp")}&sig=AAAA`,
    ]) {
      const r = await call("GET", p, { as: ctx.bob });
      expect([p, r.status, r.json]).toEqual([p, 404, notFound("Not found.")]);
    }
  },
  "GET /api/recorder/sessions": async () => {
    const r = await call("GET", "/api/recorder/sessions", { as: ctx.bob });
    expect([r.status, r.json]).toEqual([
      401,
      { error: { code: "unauthorized", message: "Invalid signature (missing)." } },
    ]);
  },
  "POST /api/recorder/heartbeat": async () => {
    const r = await call("POST", "/api/recorder/heartbeat", {
      as: ctx.bob,
      json: { recorderId: "bob-recorder", url: "http://127.0.0.1:9/", capacity: 1, sessions: [] },
    });
    expect([r.status, r.json]).toEqual([
      401,
      { error: { code: "unauthorized", message: "Invalid signature (missing)." } },
    ]);
    expect(await ctx.prisma.recorder.count({ where: { id: "bob-recorder" } })).toBe(0);
  },
  "POST /api/recorder/livekit-token": async () => {
    const r = await call("POST", "/api/recorder/livekit-token", { as: ctx.bob, json: { sessionId: ctx.session.id } });
    expect([r.status, r.json]).toEqual([
      401,
      { error: { code: "unauthorized", message: "Invalid signature (missing)." } },
    ]);
    expect(r.text).not.toContain('token":');
  },
  "POST /api/segments/[id]/retry": async () => {
    const r = await call("POST", `/api/segments/${ctx.segment.id}/retry`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Segment not found.")]);
    expect((await ctx.prisma.segment.findUniqueOrThrow({ where: { id: ctx.segment.id } })).status).toBe("ERROR");
  },
  "POST /api/segments/[id]/redetect": async () => {
    const r = await call("POST", `/api/segments/${ctx.segment.id}/redetect`, { as: ctx.bob, json: {} });
    expect([r.status, r.json]).toEqual([404, notFound("Segment not found.")]);
  },
  "GET /api/sessions/[id]": async () => {
    const r = await call("GET", `/api/sessions/${ctx.session.id}`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Session not found.")]);
  },
  "POST /api/sessions/[id]/clips": async () => {
    const before = await ctx.prisma.clip.count({ where: { sessionId: ctx.session.id } });
    const r = await call("POST", `/api/sessions/${ctx.session.id}/clips`, { as: ctx.bob, json: { start: 1, end: 5 } });
    expect([r.status, r.json]).toEqual([404, notFound("Session not found.")]);
    // "Clip that" on her live buffer: the same 404.
    const live = await call("POST", `/api/sessions/${ctx.session.id}/clips`, { as: ctx.bob, json: { last: 30 } });
    expect([live.status, live.json]).toEqual([404, notFound("Session not found.")]);
    expect(await ctx.prisma.clip.count({ where: { sessionId: ctx.session.id } })).toBe(before);
  },
  "GET /api/sessions/[id]/live": async () => {
    const r = await call("GET", `/api/sessions/${ctx.session.id}/live`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Session not found.")]);
    const own = await call("GET", `/api/sessions/${ctx.session.id}/live`, { as: ctx.alice });
    expect(own.status).toBe(200);
  },
  "GET /api/sessions/[id]/live.m3u8": async () => {
    const r = await call("GET", `/api/sessions/${ctx.session.id}/live.m3u8`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Session not found.")]);
    const own = await call("GET", `/api/sessions/${ctx.session.id}/live.m3u8`, { as: ctx.alice });
    expect(own.status).toBe(200);
  },
  "GET /api/settings": async () => {
    const r = await call("GET", "/api/settings", { as: ctx.bob });
    expect([r.status, r.json]).toEqual([200, { settings: { retentionHours: 48 } }]);
  },
  "PATCH /api/settings": async () => {
    await ctx.prisma.user.update({ where: { id: ctx.alice.id }, data: { retentionHours: 12 } });
    const r = await call("PATCH", "/api/settings", { as: ctx.bob, json: { retentionHours: 5 } });
    expect([r.status, r.json]).toEqual([200, { settings: { retentionHours: 5 } }]);
    expect((await ctx.prisma.user.findUniqueOrThrow({ where: { id: ctx.alice.id } })).retentionHours).toBe(12);
    await ctx.prisma.user.update({ where: { id: ctx.bob.id }, data: { retentionHours: 48 } });
  },
  "GET /api/streamers": async () => {
    const r = await call("GET", "/api/streamers", { as: ctx.bob });
    expect([r.status, r.json]).toEqual([200, { streamers: [] }]);
  },
  "POST /api/streamers": async () => {
    // Alice's source is no conflict for Bob (and tells him nothing about her); his copy is his own.
    const r = await call("POST", "/api/streamers", {
      as: ctx.bob,
      json: { source: ctx.streamer.source, name: "Bob's copy" },
    });
    expect(r.status).toBe(201);
    expectNoLeak(r.text);
    const mine = (r.json as { streamer: { id: string } }).streamer.id;
    expect((await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: mine } })).userId).toBe(ctx.bob.id);
    await ctx.prisma.streamer.delete({ where: { id: mine } });
  },
  "GET /api/streamers/[id]": async () => {
    const r = await call("GET", `/api/streamers/${ctx.streamer.id}`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Streamer not found.")]);
  },
  "PATCH /api/streamers/[id]": async () => {
    const r = await call("PATCH", `/api/streamers/${ctx.streamer.id}`, { as: ctx.bob, json: { name: "mine now" } });
    expect([r.status, r.json]).toEqual([404, notFound("Streamer not found.")]);
    expect((await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: ctx.streamer.id } })).name).toBe("Alice live");
  },
  "DELETE /api/streamers/[id]": async () => {
    const r = await call("DELETE", `/api/streamers/${ctx.streamer.id}?clips=delete`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Streamer not found.")]);
    expect(await ctx.prisma.streamer.count({ where: { id: ctx.streamer.id } })).toBe(1);
  },
  "GET /api/streamers/[id]/facecam": async () => {
    const r = await call("GET", `/api/streamers/${ctx.streamer.id}/facecam`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Streamer not found.")]);
  },
  "PUT /api/streamers/[id]/facecam": async () => {
    const r = await call("PUT", `/api/streamers/${ctx.streamer.id}/facecam`, {
      as: ctx.bob,
      json: { x: 0.1, y: 0.1, w: 0.3, h: 0.3 },
    });
    expect([r.status, r.json]).toEqual([404, notFound("Streamer not found.")]);
    expect((await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: ctx.streamer.id } })).facecamBox).toBeNull();
  },
  "DELETE /api/streamers/[id]/facecam": async () => {
    await ctx.prisma.streamer.update({
      where: { id: ctx.streamer.id },
      data: { facecamBox: { x: 0, y: 0, w: 0.5, h: 0.5 } },
    });
    const r = await call("DELETE", `/api/streamers/${ctx.streamer.id}/facecam`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Streamer not found.")]);
    const kept = await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: ctx.streamer.id } });
    expect(kept.facecamBox).toEqual({ x: 0, y: 0, w: 0.5, h: 0.5 });
    await ctx.prisma.streamer.update({ where: { id: ctx.streamer.id }, data: { facecamBox: Prisma.DbNull } });
  },
  "GET /api/streamers/[id]/recording": async () => {
    const r = await call("GET", `/api/streamers/${ctx.streamer.id}/recording`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Streamer not found.")]);
  },
  "POST /api/streamers/[id]/recording": async () => {
    const before = await ctx.prisma.liveSession.count({ where: { streamerId: ctx.streamer.id } });
    const r = await call("POST", `/api/streamers/${ctx.streamer.id}/recording`, { as: ctx.bob, json: {} });
    expect([r.status, r.json]).toEqual([404, notFound("Streamer not found.")]);
    expect(await ctx.prisma.liveSession.count({ where: { streamerId: ctx.streamer.id } })).toBe(before);
  },
  "DELETE /api/streamers/[id]/recording": async () => {
    const before = await ctx.prisma.liveSession.findMany({ where: { streamerId: ctx.streamer.id } });
    const r = await call("DELETE", `/api/streamers/${ctx.streamer.id}/recording`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Streamer not found.")]);
    expect(await ctx.prisma.liveSession.findMany({ where: { streamerId: ctx.streamer.id } })).toEqual(before);
  },
  "GET /api/recordings": async () => {
    const r = await call("GET", "/api/recordings", { as: ctx.bob });
    expect([r.status, r.json]).toEqual([200, { recordings: [] }]);
  },
  "GET /api/recording/formats": async () => {
    // Not user data: the same answer for anyone signed in.
    const r = await call("GET", "/api/recording/formats", { as: ctx.bob });
    expect(r.status).toBe(200);
    expect((r.json as { ffmpeg: { available: boolean } }).ffmpeg.available).toBe(true);
    expectNoLeak(r.text);
  },
  "DELETE /api/sessions/[id]/recording": async () => {
    const before = await ctx.prisma.liveSession.findUniqueOrThrow({ where: { id: ctx.session.id } });
    const r = await call("DELETE", `/api/sessions/${ctx.session.id}/recording`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Session not found.")]);
    expect(await ctx.prisma.liveSession.findUniqueOrThrow({ where: { id: ctx.session.id } })).toEqual(before);
  },
  "POST /api/sessions/[id]/replay": async () => {
    const before = await ctx.prisma.liveSession.findUniqueOrThrow({ where: { id: ctx.session.id } });
    const r = await call("POST", `/api/sessions/${ctx.session.id}/replay`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Session not found.")]);
    expect(await ctx.prisma.liveSession.findUniqueOrThrow({ where: { id: ctx.session.id } })).toEqual(before);
  },
  "POST /api/streamers/[id]/replays": async () => {
    const before = await ctx.prisma.liveSession.count({ where: { streamerId: ctx.streamer.id } });
    const r = await call("POST", `/api/streamers/${ctx.streamer.id}/replays`, {
      as: ctx.bob,
      json: { url: "https://93.184.215.14/vod.mp4" },
    });
    expect([r.status, r.json]).toEqual([404, notFound("Streamer not found.")]);
    expect(await ctx.prisma.liveSession.count({ where: { streamerId: ctx.streamer.id } })).toBe(before);
  },
  "POST /api/uploads": async () => {
    // An upload into Alice's streamer is refused before a byte is sent.
    const r = await call("POST", "/api/uploads", {
      as: ctx.bob,
      headers: TUS_CREATE(ctx.streamer.id),
    });
    expect([r.status, r.json]).toEqual([404, notFound("Streamer not found.")]);
  },
  "HEAD /api/uploads/[id]": async () => {
    const upload = await aliceUpload();
    const r = await call("HEAD", upload, { as: ctx.bob, headers: TUS });
    expect(r.status).toBe(404);
    expect((await call("HEAD", upload, { as: ctx.alice, headers: TUS })).status).toBe(200);
  },
  "PATCH /api/uploads/[id]": async () => {
    const upload = await aliceUpload();
    const r = await call("PATCH", upload, {
      as: ctx.bob,
      headers: { ...TUS, "upload-offset": "0", "content-type": "application/offset+octet-stream" },
      body: Buffer.from("0123456789"),
    });
    expect([r.status, r.json]).toEqual([404, notFound("Upload not found.")]);
    const head = await fetch(`${ctx.server.url}${upload}`, {
      method: "HEAD",
      headers: { ...TUS, cookie: ctx.alice.cookie },
    });
    expect(head.headers.get("upload-offset")).toBe("0");
  },
  "DELETE /api/uploads/[id]": async () => {
    const upload = await aliceUpload();
    const r = await call("DELETE", upload, { as: ctx.bob, headers: TUS });
    expect([r.status, r.json]).toEqual([404, notFound("Upload not found.")]);
    expect((await call("HEAD", upload, { as: ctx.alice, headers: TUS })).status).toBe(200);
  },
  "POST /api/streamers/[id]/ingress": async () => {
    const r = await call("POST", `/api/streamers/${ctx.streamer.id}/ingress`, { as: ctx.bob, json: { type: "rtmp" } });
    expect([r.status, r.json]).toEqual([404, notFound("Streamer not found.")]);
  },
  "GET /api/tokens": async () => {
    const r = await call("GET", "/api/tokens", { as: ctx.bob });
    if (authMode === "token") {
      expect([r.status, r.json]).toEqual([403, TOKENS_SIGNED_IN_ONLY]);
      return;
    }
    expect(r.status).toBe(200);
    const names = (r.json as { tokens: { name: string; hint: string }[] }).tokens;
    expect(names.map((x) => x.hint)).toEqual([`${ctx.bob.token.slice(0, 6)}…${ctx.bob.token.slice(-4)}`]);
    expectNoLeak(r.text);
  },
  "POST /api/tokens": async () => {
    const before = await ctx.prisma.apiToken.count();
    const r = await call("POST", "/api/tokens", { as: ctx.bob, json: { name: "second", scope: "read" } });
    if (authMode === "token") {
      expect([r.status, r.json]).toEqual([403, TOKENS_SIGNED_IN_ONLY]);
      expect(await ctx.prisma.apiToken.count()).toBe(before);
      return;
    }
    expect(r.status).toBe(201);
    const { token } = r.json as { token: { id: string } };
    expect((await ctx.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } })).userId).toBe(ctx.bob.id);
    expectNoLeak(r.text);
    await ctx.prisma.apiToken.delete({ where: { id: token.id } });
  },
  "DELETE /api/tokens/[id]": async () => {
    const alices = await ctx.prisma.apiToken.findFirstOrThrow({ where: { userId: ctx.alice.id } });
    const r = await call("DELETE", `/api/tokens/${alices.id}`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual(
      authMode === "token" ? [403, TOKENS_SIGNED_IN_ONLY] : [404, notFound("Token not found.")],
    );
    expect(await ctx.prisma.apiToken.count({ where: { id: alices.id } })).toBe(1);
  },
  "GET /api/analytics": async () => {
    // Alice's streamer or session named: 404; Bob's own numbers hold nothing of hers.
    for (const q of [`?streamerId=${ctx.streamer.id}`, `?sessionId=${ctx.session.id}`]) {
      const r = await call("GET", `/api/analytics${q}`, { as: ctx.bob });
      expect([q, r.status, r.json]).toEqual([
        q,
        404,
        notFound(q.includes("streamer") ? "Streamer not found." : "Session not found."),
      ]);
    }
    const r = await call("GET", "/api/analytics?from=2020-01-01&to=2020-12-31", { as: ctx.bob });
    expect(r.status).toBe(200);
    expect((r.json as { totals: { clips: number } }).totals.clips).toBe(0);
    const csv = await call("GET", "/api/analytics?format=csv&table=streamers", { as: ctx.bob });
    expect([csv.status, csv.text]).toEqual([
      200,
      "streamer,id,hours_recorded,clips,clips_per_hour,approval_rate,average_score,latency_median_s\r\n",
    ]);
    expectNoLeak(r.text);
  },
  "GET /api/push": async () => {
    const r = await call("GET", "/api/push", { as: ctx.bob });
    expect(r.status).toBe(200);
    // The server's one public key; Bob's devices only (Alice has one).
    expect(r.json).toEqual({ publicKey: expect.stringMatching(/^[A-Za-z0-9_-]{87}$/), devices: 0 });
    expectNoLeak(r.text);
  },
  "POST /api/push/subscriptions": async () => {
    // Bob's own browser: his subscription, and Alice's is untouched. (A browser's endpoint is a secret only that
    // browser holds; the same browser signed in as someone else moves to them, tested in push-notifications.)
    const r = await call("POST", "/api/push/subscriptions", {
      as: ctx.bob,
      json: { endpoint: "https://93.184.215.14/push/bob", keys: PUSH_KEYS },
    });
    expect([r.status, (r.json as { devices: number }).devices]).toEqual([201, 1]);
    expect(await ctx.prisma.pushSubscription.count({ where: { userId: ctx.alice.id } })).toBe(1);
    await ctx.prisma.pushSubscription.deleteMany({ where: { userId: ctx.bob.id } });
  },
  "DELETE /api/push/subscriptions": async () => {
    const r = await call("DELETE", "/api/push/subscriptions", {
      as: ctx.bob,
      json: { endpoint: ctx.pushEndpoint },
    });
    expect([r.status, r.json]).toEqual([404, notFound("This device does not get notifications.")]);
    expect(await ctx.prisma.pushSubscription.count({ where: { endpoint: ctx.pushEndpoint } })).toBe(1);
  },
  "GET /api/health": async () => {
    // Public, and says nothing about anyone.
    const r = await call("GET", "/api/health", { as: ctx.bob });
    expect([r.status, (r.json as { status: string; database: string }).status]).toEqual([200, "ok"]);
    expect(Object.keys(r.json as object).sort()).toEqual(["database", "ms", "status"]);
    expectNoLeak(r.text);
  },
  "GET /api/openapi.json": async () => {
    // Public: the same document for anyone, with nothing of any user in it.
    const r = await call("GET", "/api/openapi.json", { as: ctx.bob });
    const anon = await call("GET", "/api/openapi.json");
    expect([r.status, (r.json as { openapi: string }).openapi]).toEqual([200, "3.1.0"]);
    expect(anon.text).toBe(r.text);
    expectNoLeak(r.text);
  },
  "GET /api/webhook-endpoints": async () => {
    const r = await call("GET", "/api/webhook-endpoints", { as: ctx.bob });
    expect([r.status, r.json]).toEqual([200, { endpoints: [] }]);
    expectNoLeak(r.text);
  },
  "POST /api/webhook-endpoints": async () => {
    const before = await ctx.prisma.webhookEndpoint.count({ where: { userId: ctx.alice.id } });
    const r = await call("POST", "/api/webhook-endpoints", {
      as: ctx.bob,
      json: { url: "https://93.184.215.14/bob-hooks", events: ["clip.ready"] },
    });
    expect(r.status).toBe(201);
    const { endpoint, secret } = r.json as { endpoint: { id: string }; secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect((await ctx.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).userId).toBe(
      ctx.bob.id,
    );
    expect(await ctx.prisma.webhookEndpoint.count({ where: { userId: ctx.alice.id } })).toBe(before);
    expectNoLeak(r.text);
    await ctx.prisma.webhookEndpoint.delete({ where: { id: endpoint.id } });
  },
  "PATCH /api/webhook-endpoints/[id]": async () => {
    const r = await call("PATCH", `/api/webhook-endpoints/${ctx.endpoint.id}`, {
      as: ctx.bob,
      json: { url: "https://93.184.215.15/bob", enabled: false },
    });
    expect([r.status, r.json]).toEqual([404, notFound("Webhook endpoint not found.")]);
    expect(await ctx.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: ctx.endpoint.id } })).toMatchObject({
      url: ctx.endpoint.url,
      enabled: true,
    });
  },
  "DELETE /api/webhook-endpoints/[id]": async () => {
    const r = await call("DELETE", `/api/webhook-endpoints/${ctx.endpoint.id}`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Webhook endpoint not found.")]);
    expect(await ctx.prisma.webhookEndpoint.count({ where: { id: ctx.endpoint.id } })).toBe(1);
  },
  "POST /api/webhook-endpoints/[id]/secret": async () => {
    const r = await call("POST", `/api/webhook-endpoints/${ctx.endpoint.id}/secret`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Webhook endpoint not found.")]);
    expect((await ctx.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: ctx.endpoint.id } })).secret).toBe(
      ctx.endpoint.secret,
    );
  },
  "POST /api/webhook-endpoints/[id]/test": async () => {
    const r = await call("POST", `/api/webhook-endpoints/${ctx.endpoint.id}/test`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Webhook endpoint not found.")]);
    expect(await ctx.prisma.webhookDelivery.count({ where: { endpointId: ctx.endpoint.id } })).toBe(1);
  },
  "GET /api/webhook-endpoints/[id]/deliveries": async () => {
    const r = await call("GET", `/api/webhook-endpoints/${ctx.endpoint.id}/deliveries`, { as: ctx.bob });
    expect([r.status, r.json]).toEqual([404, notFound("Webhook endpoint not found.")]);
  },
  "POST /api/webhooks/livekit": async () => {
    // A session cookie is no substitute for LiveKit's signed token; nothing is stored.
    const before = await ctx.prisma.webhookReceipt.count(WEBHOOK_RECEIPTS);
    const r = await call("POST", "/api/webhooks/livekit", {
      as: ctx.bob,
      json: {
        event: "egress_ended",
        id: "EV_unsigned",
        createdAt: String(Math.floor(Date.now() / 1000)),
        egressInfo: { egressId: "EG_x", status: "EGRESS_COMPLETE" },
      },
    });
    // Nor is an API token (it is not LiveKit's signed JWT).
    const reason = authMode === "token" ? "bad or expired token" : "missing Authorization";
    expect([r.status, r.json]).toEqual([
      401,
      { error: { code: "unauthorized", message: `Invalid webhook signature (${reason}).` } },
    ]);
    expect(await ctx.prisma.webhookReceipt.count(WEBHOOK_RECEIPTS)).toBe(before);
  },
  "POST /api/webhooks/recorder": async () => {
    // A session cookie is no substitute for the recorder's signature.
    const before = await ctx.prisma.segment.count({ where: { sessionId: ctx.session.id } });
    const r = await call("POST", "/api/webhooks/recorder", {
      as: ctx.bob,
      json: {
        type: "segment.recorded",
        sessionId: ctx.session.id,
        number: 7,
        startOffset: 210,
        duration: 30,
        storageKey: "x.ts",
        sizeBytes: 1,
        final: false,
      },
    });
    expect([r.status, r.json]).toEqual([
      401,
      { error: { code: "unauthorized", message: "Invalid webhook signature (missing)." } },
    ]);
    expect(await ctx.prisma.segment.count({ where: { sessionId: ctx.session.id } })).toBe(before);
  },
};

/** Routes that need a signed-in user: signed out they answer 401 with the one error shape. */
const SIGNED_IN_ONLY = new Set([
  "/api/analytics",
  "/api/clips",
  "/api/clips/[id]",
  "/api/clips/[id]/captions",
  "/api/clips/[id]/metadata",
  "/api/clips/[id]/preview",
  "/api/clips/[id]/retry",
  "/api/clips/[id]/share",
  "/api/clips/[id]/trim",
  "/api/clips/[id]/waveform",
  "/api/clips/metadata",
  "/api/dashboard",
  "/api/events",
  "/api/exports",
  "/api/exports/zip",
  "/api/push",
  "/api/push/subscriptions",
  "/api/recording/formats",
  "/api/recordings",
  "/api/search",
  "/api/segments/[id]/redetect",
  "/api/segments/[id]/retry",
  "/api/sessions/[id]",
  "/api/sessions/[id]/clips",
  "/api/sessions/[id]/live",
  "/api/sessions/[id]/live.m3u8",
  "/api/sessions/[id]/recording",
  "/api/settings",
  "/api/streamers",
  "/api/streamers/[id]",
  "/api/streamers/[id]/ingress",
  "/api/streamers/[id]/recording",
  "/api/streamers/[id]/replays",
  "/api/tokens",
  "/api/tokens/[id]",
  "/api/uploads",
  "/api/uploads/[id]",
  "/api/webhook-endpoints",
  "/api/webhook-endpoints/[id]",
  "/api/webhook-endpoints/[id]/deliveries",
  "/api/webhook-endpoints/[id]/secret",
  "/api/webhook-endpoints/[id]/test",
]);

describe("isolation between users", () => {
  it("has an entry for every method of every route under app/api (derived from the filesystem)", async () => {
    const routes = await loadApiRoutes();
    const onDisk = Object.entries(routes).flatMap(([pattern, methods]) =>
      HTTP_METHODS.filter((m) => methods[m]).map((m) => `${m} ${pattern}`),
    );
    expect(onDisk.length).toBeGreaterThanOrEqual(20);
    expect(Object.keys(ISOLATION).sort()).toEqual(onDisk.sort());
  });

  describe.each(["cookie", "token"] as const)("signed in with a %s", (mode) => {
    it.each(Object.keys(ISOLATION).sort())(
      "%s: the other user's ids → 404, nothing leaks, nothing changes",
      async (key) => {
        authMode = mode;
        try {
          await ISOLATION[key]();
        } finally {
          authMode = "cookie";
        }
      },
    );
  });

  it("signed out, every user route answers 401 with the error shape", async () => {
    const routes = await loadApiRoutes();
    let n = 0;
    for (const [pattern, methods] of Object.entries(routes)) {
      if (!SIGNED_IN_ONLY.has(pattern)) continue;
      const p = pattern.replace("[id]", ctx.clip.id);
      for (const m of HTTP_METHODS.filter((x) => methods[x])) {
        const r = await call(m, p, m === "GET" || m === "DELETE" || m === "HEAD" ? {} : { json: {} });
        expect([m, p, r.status, r.json]).toEqual([
          m,
          p,
          401,
          // A HEAD answer has no body.
          m === "HEAD" ? null : { error: { code: "unauthorized", message: "Sign in to continue." } },
        ]);
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(12);
  });

  it("with an unknown token, every user route answers 401 and ignores the session cookie beside it", async () => {
    const routes = await loadApiRoutes();
    let n = 0;
    for (const [pattern, methods] of Object.entries(routes)) {
      if (!SIGNED_IN_ONLY.has(pattern) || pattern.startsWith("/api/tokens")) continue;
      const p = pattern.replace("[id]", ctx.clip.id);
      for (const m of HTTP_METHODS.filter((x) => methods[x])) {
        const r = await call(m, p, {
          headers: { authorization: `Bearer cs_${"x".repeat(43)}`, cookie: ctx.alice.cookie },
          ...(m === "GET" || m === "DELETE" || m === "HEAD" ? {} : { json: {} }),
        });
        expect([m, p, r.status, r.json]).toEqual([
          m,
          p,
          401,
          m === "HEAD" ? null : { error: { code: "unauthorized", message: "Invalid API token." } },
        ]);
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(12);
  });

  it("a read token reads; every state-changing route refuses it (403) and nothing changes", async () => {
    const { secret, token } = await createToken(ctx.server.url, ctx.alice.cookie, { name: "reader", scope: "read" });
    const reader = { authorization: `Bearer ${secret}` };
    const clip = await call("GET", `/api/clips/${ctx.clip.id}`, { headers: reader });
    expect([clip.status, (clip.json as { clip: { id: string } }).clip.id]).toEqual([200, ctx.clip.id]);
    const before = await aliceRows();
    const routes = await loadApiRoutes();
    let n = 0;
    for (const [pattern, methods] of Object.entries(routes)) {
      if (!SIGNED_IN_ONLY.has(pattern) || pattern.startsWith("/api/tokens")) continue;
      const p = pattern.replace("[id]", ctx.clip.id);
      for (const m of HTTP_METHODS.filter((x) => methods[x] && x !== "GET" && x !== "HEAD")) {
        const r = await call(m, p, { headers: reader, ...(m === "DELETE" ? {} : { json: {} }) });
        expect([m, p, r.status, r.json]).toEqual([
          m,
          p,
          403,
          {
            error: {
              code: "forbidden",
              message: "This API token can only read: create one with write access to make changes.",
            },
          },
        ]);
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(20);
    expect(await aliceRows()).toBe(before);
    await ctx.prisma.apiToken.delete({ where: { id: token.id } });
  });

  it("a token's request is not refused as cross-site (it uses no cookie); revoked, the token stops at once", async () => {
    const { secret, token } = await createToken(ctx.server.url, ctx.alice.cookie, {
      name: "script",
      scope: "write",
      expiresInDays: 7,
    });
    const r = await call("PATCH", `/api/clips/${ctx.clip.id}`, {
      headers: { authorization: `Bearer ${secret}`, origin: "https://elsewhere.example" },
      json: { favorite: false },
    });
    expect(r.status).toBe(200);
    const revoked = await fetch(`${ctx.server.url}/api/tokens/${token.id}`, {
      method: "DELETE",
      headers: { cookie: ctx.alice.cookie, origin: ctx.server.url },
    });
    expect(revoked.status).toBe(204);
    const after = await call("GET", `/api/clips/${ctx.clip.id}`, { headers: { authorization: `Bearer ${secret}` } });
    expect([after.status, after.json]).toEqual([
      401,
      { error: { code: "unauthorized", message: "Invalid API token." } },
    ]);
  });

  it("cross-site, every state-changing route refuses a signed-in request (403) and nothing changes", async () => {
    const routes = await loadApiRoutes();
    const before = await aliceRows();
    const forbidden = {
      error: { code: "forbidden", message: "Cross-site request refused: make this change from Clipstream itself." },
    };
    let n = 0;
    for (const [pattern, methods] of Object.entries(routes)) {
      if (!SIGNED_IN_ONLY.has(pattern)) continue;
      const p = pattern.replace("[id]", ctx.clip.id);
      for (const m of HTTP_METHODS.filter((x) => methods[x] && x !== "GET" && x !== "HEAD")) {
        // A foreign Origin, and (no Origin) a browser's own cross-site mark.
        const crossSite: Record<string, string>[] = [
          { origin: "https://evil.example" },
          { "sec-fetch-site": "cross-site" },
        ];
        for (const headers of crossSite) {
          const r = await call(m, p, { as: ctx.alice, headers, ...(m === "DELETE" ? {} : { json: {} }) });
          expect([m, p, r.status, r.json]).toEqual([m, p, 403, forbidden]);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThanOrEqual(20);
    expect(await aliceRows()).toBe(before);
    // The app's own origin (and a client that sends none, like curl) is served as before.
    const sameSite: Record<string, string>[] = [{ origin: ctx.server.url }, {}];
    for (const headers of sameSite) {
      const r = await call("PATCH", `/api/clips/${ctx.clip.id}`, { as: ctx.alice, headers, json: { favorite: false } });
      expect(r.status).toBe(200);
    }
  });

  it("revoking a share stops its media URLs at once; the owner's own URLs keep working", async () => {
    const { getSharedClip } = await import("@/lib/clips/clips");
    const { mediaUrl } = await import("@/lib/media-url");
    const slug = `share${stamp}`;
    const shared = (await getSharedClip(slug))!;
    expect(shared.videoUrl).toContain(`share=${slug}`);
    const get = async (u: string) => (await fetch(`${ctx.server.url}${u}`)).status;
    expect(await get(shared.videoUrl!)).toBe(200);
    // The slug cannot be swapped onto another clip's key, nor dropped from the URL.
    expect(await get(shared.videoUrl!.replace(`share=${slug}`, `share=${slug}x`))).toBe(404);
    expect(await get(shared.videoUrl!.replace(`share=${slug}&`, ""))).toBe(404);
    const r = await call("DELETE", `/api/clips/${ctx.clip.id}/share`, { as: ctx.alice });
    expect(r.status).toBe(204);
    try {
      expect(await get(shared.videoUrl!)).toBe(404);
      expect(await get(shared.thumbUrl!)).toBe(404);
      expect(await get(mediaUrl(ctx.clip.videoKey)!)).toBe(200);
    } finally {
      await ctx.prisma.clip.update({ where: { id: ctx.clip.id }, data: { shareSlug: slug, sharedAt: new Date() } });
    }
  });

  it("a share page exposes only what was shared: no transcript beyond the excerpt, no other clips, no owner", async () => {
    const { getSharedClip } = await import("@/lib/clips/clips");
    const shared = await getSharedClip(`share${stamp}`);
    expect(Object.keys(shared!).sort()).toEqual([
      "createdAt",
      "duration",
      "excerpt",
      "hook",
      "streamerName",
      "thumbUrl",
      "title",
      "videoUrl",
    ]);
    expect(shared!.excerpt).toBe("the shared words");
    const text = JSON.stringify(shared);
    for (const hidden of [
      ctx.alice.email,
      ctx.alice.id,
      ctx.otherClip.id,
      "Not shared",
      "PRIVATE-TRANSCRIPT",
      ctx.segment.id,
      ctx.session.id,
    ])
      expect(text).not.toContain(hidden);
    // The unshared clip has no page, and slugs are not guessable from ids.
    for (const slug of [ctx.otherClip.id, "", "../x", `share${stamp}x`]) expect(await getSharedClip(slug)).toBeNull();
  });
});

const invalid = (message: string) => ({ error: { code: "invalid_input", message } });
const PRIVATE = {
  error: {
    code: "invalid_input",
    message: "That host is on a private network; Clipstream only records public streams.",
  },
};

describe("bad input gets the exact error and stores nothing", () => {
  const streamerInputs: [string, unknown, number, unknown][] = [
    [
      "ftp",
      { source: "ftp://example.com/x" },
      422,
      invalid('Unsupported protocol "ftp". Use http, https, rtmp or rtmps.'),
    ],
    [
      "javascript:",
      { source: "javascript:alert(1)" },
      422,
      invalid('Unsupported protocol "javascript". Use http, https, rtmp or rtmps.'),
    ],
    ["empty", { source: "" }, 422, invalid("Enter a stream URL (HLS .m3u8, RTMP or HTTP).")],
    ["blank", { source: "   " }, 422, invalid("Enter a stream URL (HLS .m3u8, RTMP or HTTP).")],
    [
      "not a URL",
      { source: "not a url" },
      422,
      invalid("That is not a valid URL. Use http(s)://…, rtmp(s)://… or an HLS .m3u8 link."),
    ],
    [
      "too long",
      { source: `https://93.184.215.14/${"a".repeat(2100)}` },
      422,
      invalid("Stream URL is longer than 2048 characters."),
    ],
    [
      "longer than the schema allows",
      { source: "a".repeat(5000) },
      422,
      invalid("source: Too big: expected string to have <=4096 characters"),
    ],
    [
      "credentials in URL",
      { source: "https://user:pw@93.184.215.14/live.m3u8" },
      422,
      invalid("Put stream keys in the path, not as user:password in the URL."),
    ],
    ["loopback", { source: "http://127.0.0.1:8080/live.m3u8" }, 422, PRIVATE],
    ["localhost", { source: "http://localhost/live.m3u8" }, 422, PRIVATE],
    ["decimal loopback", { source: "http://2130706433/live.m3u8" }, 422, PRIVATE],
    ["hex loopback", { source: "http://0x7f.1/live.m3u8" }, 422, PRIVATE],
    ["IPv6 loopback", { source: "http://[::1]/live.m3u8" }, 422, PRIVATE],
    ["IPv4-mapped IPv6 loopback", { source: "http://[::ffff:127.0.0.1]/live.m3u8" }, 422, PRIVATE],
    ["10/8", { source: "http://10.0.0.5/live.m3u8" }, 422, PRIVATE],
    ["172.16/12", { source: "rtmp://172.16.3.4/live/key" }, 422, PRIVATE],
    ["192.168/16", { source: "https://192.168.1.1/live.m3u8" }, 422, PRIVATE],
    ["link-local (cloud metadata)", { source: "http://169.254.169.254/latest/meta-data/" }, 422, PRIVATE],
    ["IPv6 link-local", { source: "http://[fe80::1]/live.m3u8" }, 422, PRIVATE],
    ["unspecified", { source: "rtmp://0.0.0.0/live" }, 422, PRIVATE],
    [
      "local file",
      { source: "/etc/passwd" },
      422,
      invalid("Local files are disabled on this server (ALLOW_FILE_SOURCES)."),
    ],
    [
      "file URL",
      { source: "file:///etc/passwd" },
      422,
      invalid("Local files are disabled on this server (ALLOW_FILE_SOURCES)."),
    ],
    ["source not a string", { source: 42 }, 422, invalid("source: Invalid input: expected string, received number")],
    ["no source", {}, 422, invalid("source: Invalid input: expected string, received undefined")],
    ["array body", [], 422, invalid("Invalid input: expected object, received array")],
    [
      "segment too short",
      { source: "https://93.184.215.14/a.m3u8", segmentSeconds: 1 },
      422,
      invalid("segmentSeconds: must be at least 30 seconds."),
    ],
    [
      "segment not an integer",
      { source: "https://93.184.215.14/a.m3u8", segmentSeconds: 30.5 },
      422,
      invalid("segmentSeconds: Invalid input: expected int, received number"),
    ],
    [
      "empty name",
      { source: "https://93.184.215.14/a.m3u8", name: "" },
      422,
      invalid("name: Too small: expected string to have >=1 characters"),
    ],
    [
      "duplicate",
      { source: "https://93.184.215.14/alice.m3u8" },
      409,
      { error: { code: "conflict", message: "You already added this stream." } },
    ],
  ];

  it.each(streamerInputs)("POST /api/streamers: %s", async (_name, json, status, body) => {
    const r = await call("POST", "/api/streamers", { as: ctx.alice, json });
    expect([r.status, r.json]).toEqual([status, body]);
    expect(await ctx.prisma.streamer.count({ where: { userId: ctx.alice.id } })).toBe(1);
  });

  const hookPrivate = (host: string) =>
    invalid(`url: ${host} is on a private network; webhooks go to public addresses only.`);
  it.each([
    ["loopback", { url: "http://127.0.0.1:8080/hook", events: ["clip.ready"] }, hookPrivate("127.0.0.1")],
    ["localhost", { url: "http://localhost/hook", events: ["clip.ready"] }, hookPrivate("localhost")],
    [
      "cloud metadata",
      { url: "http://169.254.169.254/latest", events: ["clip.ready"] },
      hookPrivate("169.254.169.254"),
    ],
    ["IPv6 loopback", { url: "http://[::1]/hook", events: ["clip.ready"] }, hookPrivate("[::1]")],
    [
      "not a URL",
      { url: "hooks please", events: ["clip.ready"] },
      invalid("url: Enter the endpoint's full URL (https://…)."),
    ],
    [
      "ftp",
      { url: "ftp://93.184.215.14/x", events: ["clip.ready"] },
      invalid("url: Webhook URLs are http:// or https://."),
    ],
    ["no events", { url: "https://93.184.215.14/h", events: [] }, invalid("events: Choose at least one event.")],
    [
      "unknown event",
      { url: "https://93.184.215.14/h", events: ["clip.deleted"] },
      invalid(
        'events.0: Invalid option: expected one of "clip.ready"|"clip.reviewed"|"session.started"|"session.ended"|"segment.failed"',
      ),
    ],
    [
      "unknown field",
      { url: "https://93.184.215.14/h", events: ["clip.ready"], secret: "mine" },
      invalid('Unrecognized key: "secret"'),
    ],
  ])("POST /api/webhook-endpoints: %s", async (_name, json, body) => {
    const before = await ctx.prisma.webhookEndpoint.count({ where: { userId: ctx.alice.id } });
    const r = await call("POST", "/api/webhook-endpoints", { as: ctx.alice, json });
    expect([r.status, r.json]).toEqual([422, body]);
    expect(await ctx.prisma.webhookEndpoint.count({ where: { userId: ctx.alice.id } })).toBe(before);
  });

  it("GET /api/clips/metadata needs ids (1–100); the owner gets a JSON download of each clip in order", async () => {
    for (const [q, message] of [
      ["", "Name the clips: ?ids=<id>,<id>,…"],
      ["?ids=,", "Name the clips: ?ids=<id>,<id>,…"],
      [`?ids=${Array.from({ length: 101 }, (_, i) => `c${i}`).join(",")}`, "At most 100 clips at once."],
    ]) {
      const r = await call("GET", `/api/clips/metadata${q}`, { as: ctx.alice });
      expect([r.status, r.json]).toEqual([422, invalid(message)]);
    }
    const res = await fetch(`${ctx.server.url}/api/clips/metadata?ids=${ctx.otherClip.id},${ctx.clip.id}`, {
      headers: { cookie: ctx.alice.cookie },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="clips-metadata.json"');
    const body = (await res.json()) as { clips: { clip: { id: string } }[] };
    expect(body.clips.map((c) => c.clip.id)).toEqual([ctx.otherClip.id, ctx.clip.id]);
    const one = await fetch(`${ctx.server.url}/api/clips/${ctx.clip.id}/metadata`, {
      headers: { cookie: ctx.alice.cookie },
    });
    expect([one.status, one.headers.get("content-disposition")]).toEqual([
      200,
      `attachment; filename="clip-${ctx.clip.id}.json"`,
    ]);
  });

  it("PATCH /api/webhook-endpoints/[id] refuses a private URL and keeps the endpoint as it was", async () => {
    const r = await call("PATCH", `/api/webhook-endpoints/${ctx.endpoint.id}`, {
      as: ctx.alice,
      json: { url: "http://10.0.0.7/steal", enabled: false },
    });
    expect([r.status, r.json]).toEqual([422, hookPrivate("10.0.0.7")]);
    expect(await ctx.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: ctx.endpoint.id } })).toMatchObject({
      url: ctx.endpoint.url,
      enabled: true,
    });
  });

  it.each([
    [
      "not JSON",
      "POST",
      "/api/streamers",
      "{not json",
      400,
      { error: { code: "bad_request", message: "Request body is not valid JSON." } },
    ],
    [
      "not JSON",
      "PATCH",
      "/api/settings",
      "retentionHours=5",
      400,
      { error: { code: "bad_request", message: "Request body is not valid JSON." } },
    ],
    [
      "2 MB",
      "POST",
      "/api/streamers",
      JSON.stringify({ source: "x".repeat(2 * 1024 * 1024) }),
      413,
      { error: { code: "payload_too_large", message: "Request body is larger than 65536 bytes." } },
    ],
    [
      "2 MB",
      "PATCH",
      "/api/settings",
      JSON.stringify({ retentionHours: 5, pad: "x".repeat(2 * 1024 * 1024) }),
      413,
      { error: { code: "payload_too_large", message: "Request body is larger than 65536 bytes." } },
    ],
    [
      "2 MB",
      "PATCH",
      "/api/streamers/[id]",
      JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }),
      413,
      { error: { code: "payload_too_large", message: "Request body is larger than 65536 bytes." } },
    ],
    [
      "2 MB",
      "POST",
      "/api/auth/sign-up/email",
      JSON.stringify({ email: "big@example.com", password: "x".repeat(2 * 1024 * 1024), name: "big" }),
      413,
      { error: { code: "payload_too_large", message: "Request body is larger than 65536 bytes." } },
    ],
    [
      "2 MB",
      "POST",
      "/api/webhooks/recorder",
      JSON.stringify({ type: "session.ended", message: "x".repeat(2 * 1024 * 1024) }),
      413,
      { error: { code: "payload_too_large", message: "Request body is larger than 16384 bytes." } },
    ],
  ])("%s body to %s %s → %i", async (_n, method, p, body, status, expected) => {
    const before = await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: ctx.streamer.id } });
    const r = await call(method, p.replace("[id]", ctx.streamer.id), {
      as: ctx.alice,
      body,
      headers: { "content-type": "application/json" },
    });
    expect([r.status, r.json]).toEqual([status, expected]);
    expect(await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: ctx.streamer.id } })).toEqual(before);
    expect((await ctx.prisma.user.findUniqueOrThrow({ where: { id: ctx.alice.id } })).retentionHours).toBe(12);
  });

  it.each([
    ["limit=0", invalid("limit: Too small: expected number to be >=1")],
    ["limit=101", invalid("limit: Too big: expected number to be <=100")],
    ["limit=abc", invalid("limit: Invalid input: expected number, received NaN")],
    ["limit=1.5", invalid("limit: Invalid input: expected int, received number")],
    ["limit=-5", invalid("limit: Too small: expected number to be >=1")],
    [`cursor=${"c".repeat(65)}`, invalid("cursor: Too big: expected string to have <=64 characters")],
    [`streamerId=${"s".repeat(65)}`, invalid("streamerId: Too big: expected string to have <=64 characters")],
    [`sessionId=${"s".repeat(65)}`, invalid("sessionId: Too big: expected string to have <=64 characters")],
  ])("GET /api/clips?%s → 422", async (q, body) => {
    const r = await call("GET", `/api/clips?${q}`, { as: ctx.alice });
    expect([r.status, r.json]).toEqual([422, body]);
  });

  it.each([
    [{ name: "" }, invalid("name: Too small: expected string to have >=1 characters")],
    [{ name: "n".repeat(81) }, invalid("name: Too big: expected string to have <=80 characters")],
    [{ minClipSeconds: 90, maxClipSeconds: 30 }, invalid("minClipSeconds must not exceed maxClipSeconds.")],
    [{ minClipSeconds: 4 }, invalid("minClipSeconds: Too small: expected number to be >=5")],
    [{ maxClipSeconds: 181 }, invalid("maxClipSeconds: Too big: expected number to be <=180")],
    [{ minScore: 101 }, invalid("minScore: Too big: expected number to be <=100")],
    [{ segmentSeconds: 10 }, invalid("segmentSeconds: must be at least 30 seconds.")],
    [{ monitored: "yes" }, invalid("monitored: Invalid input: expected boolean, received string")],
    [{ keywords: "hype" }, invalid("keywords: Invalid input: expected array, received string")],
    [
      { keywords: Array.from({ length: 31 }, (_, i) => `k${i}`) },
      invalid("keywords: Too big: expected array to have <=30 items"),
    ],
    [{ userId: "someone-else" }, invalid('Unrecognized key: "userId"')],
    [{ source: "http://127.0.0.1/x" }, invalid('Unrecognized key: "source"')],
  ])("PATCH /api/streamers/[id] %j → 422", async (json, body) => {
    const before = await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: ctx.streamer.id } });
    const r = await call("PATCH", `/api/streamers/${ctx.streamer.id}`, { as: ctx.alice, json });
    expect([r.status, r.json]).toEqual([422, body]);
    expect(await ctx.prisma.streamer.findUniqueOrThrow({ where: { id: ctx.streamer.id } })).toEqual(before);
  });

  it.each([
    [{ retentionHours: 0 }, invalid("retentionHours: Too small: expected number to be >=1")],
    [{ retentionHours: 721 }, invalid("retentionHours: Too big: expected number to be <=720")],
    [{ retentionHours: 1.5 }, invalid("retentionHours: Invalid input: expected int, received number")],
    [{ retentionHours: "48" }, invalid("retentionHours: Invalid input: expected number, received string")],
    [{ retentionHours: null }, invalid("retentionHours: Invalid input: expected number, received null")],
    [{ email: "x@example.com" }, invalid('Unrecognized key: "email"')],
  ])("PATCH /api/settings %j → 422", async (json, body) => {
    const r = await call("PATCH", "/api/settings", { as: ctx.alice, json });
    expect([r.status, r.json]).toEqual([422, body]);
    expect((await ctx.prisma.user.findUniqueOrThrow({ where: { id: ctx.alice.id } })).retentionHours).toBe(12);
  });

  it("POST /api/segments/[id]/retry only for a failed segment that still has its recording", async () => {
    const seg = (number: number, data: object) =>
      ctx.prisma.segment.create({
        data: {
          userId: ctx.alice.id,
          sessionId: ctx.session.id,
          number,
          startOffset: number * 30,
          duration: 30,
          storageKey: `s/${number}.ts`,
          ...data,
        },
      });
    const cases: [string, object, number, unknown][] = [
      [
        "processing",
        { status: "PROCESSING" },
        409,
        { error: { code: "conflict", message: "Only failed segments can be retried." } },
      ],
      [
        "done",
        { status: "DONE" },
        409,
        { error: { code: "conflict", message: "Only failed segments can be retried." } },
      ],
      [
        "purged",
        { status: "ERROR", deletedAt: new Date(), storageKey: null },
        409,
        {
          error: { code: "conflict", message: "The recording of this segment was deleted after the retention period." },
        },
      ],
    ];
    let n = 100;
    for (const [what, data, status, body] of cases) {
      const s = await seg(n++, data);
      const r = await call("POST", `/api/segments/${s.id}/retry`, { as: ctx.alice });
      expect([what, r.status, r.json]).toEqual([what, status, body]);
      expect((await ctx.prisma.segment.findUniqueOrThrow({ where: { id: s.id } })).status).toBe(
        (data as { status: string }).status,
      );
    }
    const missing = await call("POST", "/api/segments/no-such-segment/retry", { as: ctx.alice });
    expect([missing.status, missing.json]).toEqual([404, notFound("Segment not found.")]);
  });

  const signIn = (email: string, password: string, ip?: string) =>
    call("POST", "/api/auth/sign-in/email", {
      json: { email, password },
      headers: { origin: ctx.server.url, ...(ip ? { "x-forwarded-for": ip } : {}) },
    });

  it("sign-in is rate limited per client address: the 11th attempt within a minute → 429; another address is not affected", async () => {
    const ip = `10.9.${stamp % 250}.${Math.floor(stamp / 256) % 250}`;
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | null = null;
    // A different (unknown) account each time: the per-account throttle plays no part here.
    for (let i = 0; i < 11; i++) {
      last = await signIn(`nobody-${i}-${stamp}@example.com`, `guess-${i}-xxxx`, ip);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    expect(last!.json).toEqual({
      error: {
        code: "rate_limited",
        message: expect.stringMatching(/^Too many attempts\. Try again in \d+ seconds\.$/),
      },
    });
    // Even the right password is refused from that address; another client is not affected.
    expect((await signIn(ctx.alice.email, "isolation-pass-1", ip)).status).toBe(429);
    expect((await signIn(ctx.alice.email, "isolation-pass-1", "10.8.0.1")).status).toBe(200);
  });

  it("a client that is not a trusted proxy cannot pick a fresh budget with X-Forwarded-For", async () => {
    const trusted = process.env.TRUSTED_PROXIES;
    process.env.TRUSTED_PROXIES = ""; // the test client (127.0.0.1) is now the client, not a proxy
    // The budget of 127.0.0.1 starts full, whatever a run of this file a minute ago spent of it.
    await ctx.prisma.rateLimit.deleteMany({ where: { key: { startsWith: "127.0.0.1" } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const r = await signIn(`spoof-${i}-${stamp}@example.com`, `guess-${i}-xxxx`, `203.0.113.${i + 1}`);
        statuses.push(r.status);
      }
      expect(statuses).toEqual([...Array(10).fill(401), 429]);
    } finally {
      process.env.TRUSTED_PROXIES = trusted;
    }
  });

  it("an account is throttled whatever the address: the 5th failure locks it for 15 s, then the right password works", async () => {
    const carol = await ctx.signUp("carol");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn(carol.email, `guess-${i}-xxxx`, `10.10.${i}.1`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    // Right password, new address: refused while locked, and the password is not even checked.
    const locked = await signIn(carol.email, "isolation-pass-1", "10.10.9.1");
    expect([locked.status, locked.json]).toEqual([
      429,
      {
        error: {
          code: "rate_limited",
          message: expect.stringMatching(/^Too many failed sign-ins for this account\. Try again in 1[45] seconds\.$/),
        },
      },
    ]);
    const row = await ctx.prisma.signInThrottle.findUniqueOrThrow({ where: { email: carol.email } });
    expect(row.failures).toBe(5);
    // A 6th failure after the lock doubles it (30 s).
    await ctx.prisma.signInThrottle.update({ where: { email: carol.email }, data: { lockedUntil: new Date(0) } });
    expect((await signIn(carol.email, "guess-6-xxxx", "10.10.6.1")).status).toBe(401);
    const doubled = await ctx.prisma.signInThrottle.findUniqueOrThrow({ where: { email: carol.email } });
    expect(Math.round((doubled.lockedUntil!.getTime() - Date.now()) / 1000)).toBeGreaterThan(25);
    // Once the lock has passed, the right password signs in and clears the streak.
    await ctx.prisma.signInThrottle.update({ where: { email: carol.email }, data: { lockedUntil: new Date(0) } });
    expect((await signIn(carol.email.toUpperCase(), "isolation-pass-1", "10.10.7.1")).status).toBe(200);
    expect(await ctx.prisma.signInThrottle.findUnique({ where: { email: carol.email } })).toBeNull();
  });
});

describe("the recorder's GET of active sessions", () => {
  it("takes only a per-request signature for this method and path, each once; anything else is 401 and reads nothing", async () => {
    const { signBody, signRequest } = await import("@/lib/signing");
    const secret = process.env.RECORDER_SECRET!;
    const path = "/api/recorder/sessions";
    const unauthorized = (reason: string) => ({
      error: { code: "unauthorized", message: `Invalid signature (${reason}).` },
    });
    const { SIGNATURE_HEADER } = await import("@/lib/signing");
    const get = (sig: string) => call("GET", path, { headers: { [SIGNATURE_HEADER]: sig } });
    const old = Math.floor(Date.now() / 1000) - 600;
    const cases: [string, string, unknown][] = [
      ["body-only signature (webhook style)", signBody(secret, ""), unauthorized("malformed")],
      ["other key", signRequest("another-recorder-secret-0123", "GET", path, ""), unauthorized("mismatch")],
      ["signed for another path", signRequest(secret, "GET", "/api/webhooks/recorder", ""), unauthorized("mismatch")],
      ["signed for another method", signRequest(secret, "POST", path, ""), unauthorized("mismatch")],
      ["stale", signRequest(secret, "GET", path, "", old), unauthorized("stale")],
    ];
    for (const [name, sig, body] of cases) {
      const r = await get(sig);
      expect([name, r.status, r.json]).toEqual([name, 401, body]);
    }
    const sig = signRequest(secret, "GET", path, "");
    const first = await get(sig);
    expect(first.status).toBe(200);
    expect(Array.isArray((first.json as { sessions: unknown[] }).sessions)).toBe(true);
    const replay = await get(sig);
    expect([replay.status, replay.json]).toEqual([401, unauthorized("replayed")]);
  });
});

describe("the recorder's POST for a fresh LiveKit viewer token", () => {
  it("takes only a per-request signature for this method, path and body, each once; bad input is 4xx; only a recording LiveKit room gets a token", async () => {
    const { SIGNATURE_HEADER, signRequest } = await import("@/lib/signing");
    const secret = process.env.RECORDER_SECRET!;
    const path = "/api/recorder/livekit-token";
    const post = (body: string, sig: string) =>
      call("POST", path, { body, headers: { "content-type": "application/json", [SIGNATURE_HEADER]: sig } });
    const body = JSON.stringify({ sessionId: ctx.session.id });
    const unauthorized = (reason: string) => ({
      error: { code: "unauthorized", message: `Invalid signature (${reason}).` },
    });
    const cases: [string, string, string, number, unknown][] = [
      [
        "other key",
        body,
        signRequest("another-recorder-secret-0123", "POST", path, body),
        401,
        unauthorized("mismatch"),
      ],
      [
        "signed for another path",
        body,
        signRequest(secret, "POST", "/api/recorder/sessions", body),
        401,
        unauthorized("mismatch"),
      ],
      ["signed for another body", body, signRequest(secret, "POST", path, "{}"), 401, unauthorized("mismatch")],
      [
        "not JSON",
        "{",
        signRequest(secret, "POST", path, "{"),
        400,
        { error: { code: "bad_request", message: "Request body is not valid JSON." } },
      ],
      [
        "no session id",
        "{}",
        signRequest(secret, "POST", path, "{}"),
        422,
        { error: { code: "invalid_input", message: expect.stringContaining("sessionId") } },
      ],
      [
        "a session that is not a LiveKit room the recorder records",
        body,
        signRequest(secret, "POST", path, body),
        404,
        { error: { code: "not_found", message: "No LiveKit room is being recorded for that session." } },
      ],
    ];
    for (const [name, b, sig, status, json] of cases) {
      const r = await post(b, sig);
      expect([name, r.status, r.json]).toEqual([name, status, json]);
    }
    const sig = signRequest(secret, "POST", path, body);
    expect((await post(body, sig)).status).toBe(404);
    const replay = await post(body, sig);
    expect([replay.status, replay.json]).toEqual([401, unauthorized("replayed")]);
  });
});
