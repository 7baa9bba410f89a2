/**
 * Clip notifications by Web Push end to end (docs/decisions/020): the app's routes on the route test server,
 * real PostgreSQL with the push_notifications trigger, the embedded runner running send-push, the dispatcher as a
 * web process runs it, and a local push service. The test is the browser: it makes its own P-256 key pair and
 * auth secret, subscribes through the API, and checks what the push service receives as a browser's would:
 * the VAPID JWT (ES256, signed with the key GET /api/push publishes) and the RFC 8291 payload, decrypted with
 * http_ece using the browser's private key.
 */
import crypto from "node:crypto";
import ece from "http_ece";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDeliveryStack, startRecordingServer } from "./fixtures/delivery-stack";
import { signUpViaApi, waitFor } from "./support";

const stamp = Date.now();
let ctx: Awaited<ReturnType<typeof setup>>;

/** A browser's side of a subscription: its key pair and auth secret. */
function browserKeys() {
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = crypto.randomBytes(16);
  return {
    ecdh,
    auth,
    json: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") },
  };
}

/** Checks `Authorization: vapid t=<jwt>, k=<key>` as a push service does; returns the JWT's claims. */
function verifyVapid(authorization: string, publicKey: string) {
  const m = /^vapid t=([^,]+), k=(\S+)$/.exec(authorization);
  expect(m, authorization).not.toBeNull();
  const [, jwt, k] = m!;
  expect(k).toBe(publicKey);
  const raw = Buffer.from(k, "base64url");
  const key = crypto.createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: raw.subarray(1, 33).toString("base64url"),
      y: raw.subarray(33).toString("base64url"),
    },
    format: "jwk",
  });
  const [h, p, sig] = jwt.split(".");
  const ok = crypto.verify(
    "sha256",
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(sig, "base64url"),
  );
  expect(ok).toBe(true);
  expect(JSON.parse(Buffer.from(h, "base64url").toString())).toMatchObject({ alg: "ES256", typ: "JWT" });
  return JSON.parse(Buffer.from(p, "base64url").toString()) as { aud: string; exp: number; sub: string };
}

async function setup() {
  process.env.VAPID_SUBJECT = "mailto:ops@clipstream.example";
  const stack = await startDeliveryStack({ name: "push-notify", backoffBaseMs: 50 });
  const { prisma, server } = stack;
  const signUp = (name: string, ip: string) =>
    signUpViaApi(server.url, { email: `${name}-${stamp}@example.com`, password: "push-pass-1234", name, ip });
  const ivy = await signUp("ivy", "10.8.1.1");
  const jack = await signUp("jack", "10.8.1.2");
  const streamer = await prisma.streamer.create({
    data: { userId: ivy.id, name: "Ivy live", kind: "URL", source: "https://93.184.215.14/ivy.m3u8", monitored: false },
  });
  const session = await prisma.liveSession.create({
    data: { userId: ivy.id, streamerId: streamer.id, segmentSeconds: 30 },
  });
  let n = 0;
  const clip = () =>
    prisma.clip.create({
      data: {
        userId: ivy.id,
        streamerId: streamer.id,
        sessionId: session.id,
        detectionKey: `p${n++}`,
        startTime: 10,
        endTime: 30,
        title: `No way ${n}`,
        reason: "loud",
        score: 88,
        engine: "offline",
        status: "RENDERING",
      },
    });
  return { ...stack, ivy, jack, streamer, clip };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  await ctx?.stop();
});

const call = (...args: Parameters<typeof ctx.call>) => ctx.call(...args);

describe("clip notifications (Web Push)", () => {
  it("a clip ready on a streamer with notify on reaches the subscribed browser, VAPID-signed and encrypted for it", async () => {
    const push = await startRecordingServer();
    const browser = browserKeys();
    const endpoint = `${push.url}/send/ivy-phone`;
    const { publicKey } = (await call("GET", "/api/push", ctx.ivy)).json as { publicKey: string };
    // The key is made once and kept: asked again, the same.
    expect((await call("GET", "/api/push", ctx.ivy)).json.publicKey).toBe(publicKey);
    const sub = await call("POST", "/api/push/subscriptions", ctx.ivy, {
      endpoint,
      keys: browser.json,
      expirationTime: null,
    });
    expect([sub.status, sub.json]).toEqual([201, { publicKey, devices: 1 }]);
    const on = await call("PATCH", `/api/streamers/${ctx.streamer.id}`, ctx.ivy, { notify: true });
    expect([on.status, on.json.streamer.notify]).toEqual([200, true]);

    const clip = await ctx.clip();
    await ctx.prisma.clip.update({ where: { id: clip.id }, data: { status: "READY" } });
    await waitFor(async () => push.received.length >= 1 || null, 20_000, "the push");
    const [got] = push.received;
    expect(got.path).toBe("/send/ivy-phone");
    expect(got.headers["content-encoding"]).toBe("aes128gcm");
    expect(got.headers.ttl).toBe("3600");
    const claims = verifyVapid(got.headers.authorization, publicKey);
    expect(claims.aud).toBe(push.url);
    expect(claims.sub).toBe("mailto:ops@clipstream.example");
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    // Only this browser's private key and auth secret open it.
    const plain = ece.decrypt(got.body, { version: "aes128gcm", privateKey: browser.ecdh, authSecret: browser.auth });
    expect(JSON.parse(plain.toString("utf8"))).toEqual({
      title: "New clip from Ivy live",
      body: `${clip.title} · score 88`,
      url: `/clips/${clip.id}`,
      tag: `clip-${clip.id}`,
    });
    expect(() =>
      ece.decrypt(got.body, { version: "aes128gcm", privateKey: browserKeys().ecdh, authSecret: browser.auth }),
    ).toThrow();
    expect(await ctx.prisma.pushDelivery.findUnique({ where: { clipId: clip.id } })).toMatchObject({
      status: "SENT",
      sent: 1,
      attempts: 1,
    });

    // Ready again after a re-render: not news. Notify off: nothing for the next clip either.
    await ctx.prisma.clip.update({ where: { id: clip.id }, data: { status: "RENDERING" } });
    await ctx.prisma.clip.update({ where: { id: clip.id }, data: { status: "READY" } });
    await call("PATCH", `/api/streamers/${ctx.streamer.id}`, ctx.ivy, { notify: false });
    const quiet = await ctx.clip();
    await ctx.prisma.clip.update({ where: { id: quiet.id }, data: { status: "READY" } });
    await new Promise((r) => setTimeout(r, 1500));
    expect(push.received).toHaveLength(1);
    expect(await ctx.prisma.pushDelivery.count({ where: { clipId: quiet.id } })).toBe(0);
    await push.close();
  });

  it("a push service answering 410 drops the subscription; a 500 is retried; the same browser signed in as another user moves to them", async () => {
    const push = await startRecordingServer();
    const gone = browserKeys();
    const flaky = browserKeys();
    await call("POST", "/api/push/subscriptions", ctx.ivy, {
      endpoint: `${push.url}/send/old-laptop`,
      keys: gone.json,
    });
    await call("POST", "/api/push/subscriptions", ctx.ivy, { endpoint: `${push.url}/send/tablet`, keys: flaky.json });
    await ctx.prisma.pushSubscription.deleteMany({
      where: { userId: ctx.ivy.id, endpoint: { contains: "ivy-phone" } },
    });
    await call("PATCH", `/api/streamers/${ctx.streamer.id}`, ctx.ivy, { notify: true });
    // First attempt: the old laptop is gone (410), the tablet's service fails (500): retried, the tablet gets it.
    push.script.push(410, 500);
    const clip = await ctx.clip();
    await ctx.prisma.clip.update({ where: { id: clip.id }, data: { status: "READY" } });
    await waitFor(
      async () => (await ctx.prisma.pushDelivery.findUnique({ where: { clipId: clip.id } }))?.status === "SENT" || null,
      20_000,
      "the retried push",
    );
    expect(push.received.map((r) => r.path)).toEqual(["/send/old-laptop", "/send/tablet", "/send/tablet"]);
    expect(await ctx.prisma.pushSubscription.count({ where: { endpoint: `${push.url}/send/old-laptop` } })).toBe(0);
    const plain = ece.decrypt(push.received[2].body, {
      version: "aes128gcm",
      privateKey: flaky.ecdh,
      authSecret: flaky.auth,
    });
    expect(JSON.parse(plain.toString("utf8")).url).toBe(`/clips/${clip.id}`);

    // Jack signs in on the tablet: it is his now, and Ivy's clips no longer reach it.
    const moved = await call("POST", "/api/push/subscriptions", ctx.jack, {
      endpoint: `${push.url}/send/tablet`,
      keys: flaky.json,
    });
    expect([moved.status, moved.json.devices]).toEqual([201, 1]);
    expect((await call("GET", "/api/push", ctx.ivy)).json.devices).toBe(0);
    const off = await call("DELETE", "/api/push/subscriptions", ctx.ivy, { endpoint: `${push.url}/send/tablet` });
    expect([off.status, off.json]).toEqual([
      404,
      { error: { code: "not_found", message: "This device does not get notifications." } },
    ]);
    await push.close();
  });
});
