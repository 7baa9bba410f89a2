/**
 * Outgoing webhooks end to end (docs/decisions/019): the app's real routes on the route test server, real
 * PostgreSQL with the migration's row triggers, the embedded runner running deliver-webhook, the dispatcher as
 * a web process runs it, and a local HTTP endpoint that verifies each delivery with the Standard Webhooks
 * library. Its answers are scripted: a 500 before a 200 is a retry; always 503 ends FAILED.
 */
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDeliveryStack, startRecordingServer } from "./fixtures/delivery-stack";
import { signUpViaApi, waitFor } from "./support";

const stamp = Date.now();
let ctx: Awaited<ReturnType<typeof setup>>;

/** A webhook endpoint at `/hooks` of a recording server. */
async function startReceiver(fallback = 200) {
  const rx = await startRecordingServer(fallback);
  return { ...rx, url: `${rx.url}/hooks` };
}

async function setup() {
  // 20 ms doubling: the 8 retries of a failing delivery take about 5 s instead of minutes.
  const stack = await startDeliveryStack({ name: "webhooks-out", backoffBaseMs: 20 });
  const { prisma, server } = stack;
  const signUp = (name: string, ip: string) =>
    signUpViaApi(server.url, { email: `${name}-${stamp}@example.com`, password: "hooks-pass-1234", name, ip });
  const gina = await signUp("gina", "10.7.0.1");
  const hank = await signUp("hank", "10.7.0.2");
  const seed = async (userId: string, key: string) => {
    const streamer = await prisma.streamer.create({
      data: { userId, name: `Live ${key}`, kind: "URL", source: `https://93.184.215.14/${key}.m3u8`, monitored: false },
    });
    const session = await prisma.liveSession.create({ data: { userId, streamerId: streamer.id, segmentSeconds: 30 } });
    const clip = await prisma.clip.create({
      data: {
        userId,
        streamerId: streamer.id,
        sessionId: session.id,
        detectionKey: key,
        startTime: 12.5,
        endTime: 31,
        title: `Moment ${key}`,
        reason: "loud",
        score: 82,
        engine: "test",
        status: "RENDERING",
      },
    });
    return { streamer, session, clip };
  };
  return { ...stack, gina, hank, seed };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  await ctx?.stop();
});

const call = (...args: Parameters<typeof ctx.call>) => ctx.call(...args);

async function register(as: { cookie: string }, url: string, events: string[]) {
  const r = await call("POST", "/api/webhook-endpoints", as, { url, events, description: "test" });
  expect(r.status).toBe(201);
  return r.json as { endpoint: { id: string }; secret: string };
}

describe("outgoing webhooks", () => {
  it("a clip turning READY is delivered, signed per Standard Webhooks; a 500 is retried with the same id; once only", async () => {
    const rx = await startReceiver();
    rx.script.push(500);
    const { endpoint, secret } = await register(ctx.gina, rx.url, ["clip.ready", "session.ended"]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const { clip, session } = await ctx.seed(ctx.gina.id, `ready-${stamp}`);

    await ctx.prisma.clip.update({ where: { id: clip.id }, data: { status: "READY", videoKey: "clips/x/v.mp4" } });
    await waitFor(async () => rx.received.length >= 2 || null, 20_000, "a failed attempt, then the retry");
    const wh = new Webhook(secret);
    const [first, second] = rx.received;
    for (const r of [first, second]) {
      // The library throws unless the signature and the timestamp (±5 min) are right.
      const event = wh.verify(r.text, r.headers) as {
        type: string;
        timestamp: string;
        data: { clip: Record<string, unknown> };
      };
      expect(event.type).toBe("clip.ready");
      expect(event.data.clip).toMatchObject({
        id: clip.id,
        title: `Moment ready-${stamp}`,
        start: 12.5,
        end: 31,
        status: "READY",
        sessionId: session.id,
        url: `${process.env.APP_URL}/clips/${clip.id}`,
      });
      expect(String(event.data.clip.videoUrl)).toMatch(
        new RegExp(`^${process.env.APP_URL}/api/media/clips/x/v.mp4\\?exp=`),
      );
      expect(r.headers["content-type"]).toBe("application/json");
    }
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(second.text).toBe(first.text);
    // A tampered body does not verify.
    expect(() => wh.verify(first.text.replace("READY", "ERROR"), first.headers)).toThrow();

    const log = await call("GET", `/api/webhook-endpoints/${endpoint.id}/deliveries`, ctx.gina);
    expect(log.status).toBe(200);
    expect(log.json.deliveries).toEqual([
      expect.objectContaining({
        type: "clip.ready",
        status: "DELIVERED",
        attempts: 2,
        lastStatus: 200,
        lastError: null,
      }),
    ]);
    expect(first.headers["webhook-id"]).toBe(`msg_${log.json.deliveries[0].id}`);

    // Rendered again (refined edges) and READY again: not a new clip, no second delivery.
    await ctx.prisma.clip.update({ where: { id: clip.id }, data: { status: "RENDERING" } });
    await ctx.prisma.clip.update({ where: { id: clip.id }, data: { status: "READY" } });
    // The session ends: subscribed, delivered.
    await ctx.prisma.liveSession.update({ where: { id: session.id }, data: { status: "ENDED", endedAt: new Date() } });
    await waitFor(async () => rx.received.length >= 3 || null, 20_000, "session.ended");
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.received.map((r) => JSON.parse(r.text).type)).toEqual(["clip.ready", "clip.ready", "session.ended"]);
    const ended = wh.verify(rx.received[2].text, rx.received[2].headers) as {
      data: { session: Record<string, unknown> };
    };
    expect(ended.data.session).toMatchObject({ id: session.id, status: "ENDED", replay: false });
    await rx.close();
  });

  it("only subscribed events of the endpoint's owner; disabled gets nothing; 'send test' reaches it anyway", async () => {
    const rx = await startReceiver();
    const { endpoint, secret } = await register(ctx.gina, rx.url, ["clip.reviewed"]);
    const mine = await ctx.seed(ctx.gina.id, `sub-${stamp}`);
    const theirs = await ctx.seed(ctx.hank.id, `other-${stamp}`);
    // Not subscribed (clip.ready), and another user's review: nothing.
    await ctx.prisma.clip.update({ where: { id: mine.clip.id }, data: { status: "READY" } });
    await ctx.prisma.clip.update({ where: { id: theirs.clip.id }, data: { review: "APPROVED" } });
    // Through the API, as the studio does it.
    const reviewed = await call("PATCH", `/api/clips/${mine.clip.id}`, ctx.gina, { review: "APPROVED" });
    expect(reviewed.status).toBe(200);
    await waitFor(async () => rx.received.length >= 1 || null, 20_000, "clip.reviewed");
    const event = new Webhook(secret).verify(rx.received[0].text, rx.received[0].headers) as {
      type: string;
      data: { clip: { id: string; review: string } };
    };
    expect([event.type, event.data.clip.id, event.data.clip.review]).toEqual([
      "clip.reviewed",
      mine.clip.id,
      "APPROVED",
    ]);

    const off = await call("PATCH", `/api/webhook-endpoints/${endpoint.id}`, ctx.gina, { enabled: false });
    expect([off.status, off.json.endpoint.enabled]).toEqual([200, false]);
    await ctx.prisma.clip.update({ where: { id: mine.clip.id }, data: { review: "REJECTED" } });
    const test = await call("POST", `/api/webhook-endpoints/${endpoint.id}/test`, ctx.gina);
    expect(test.status).toBe(202);
    await waitFor(async () => rx.received.length >= 2 || null, 20_000, "the test delivery");
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.received.map((r) => JSON.parse(r.text).type)).toEqual(["clip.reviewed", "webhook.test"]);
    expect(await ctx.prisma.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(2);

    // A rolled secret signs what follows; the old one no longer verifies it.
    const rolled = await call("POST", `/api/webhook-endpoints/${endpoint.id}/secret`, ctx.gina);
    expect(rolled.json.secret).not.toBe(secret);
    await call("POST", `/api/webhook-endpoints/${endpoint.id}/test`, ctx.gina);
    await waitFor(async () => rx.received.length >= 3 || null, 20_000, "a test signed with the new secret");
    const last = rx.received[2];
    expect(() => new Webhook(secret).verify(last.text, last.headers)).toThrow();
    expect((new Webhook(rolled.json.secret).verify(last.text, last.headers) as { type: string }).type).toBe(
      "webhook.test",
    );
    await rx.close();
  });

  it("an endpoint that always fails gets the first attempt and 8 retries, then the delivery is FAILED; a redirect is not followed", async () => {
    const rx = await startReceiver(503);
    const { endpoint } = await register(ctx.gina, rx.url, ["segment.failed"]);
    const { session } = await ctx.seed(ctx.gina.id, `fail-${stamp}`);
    const segment = await ctx.prisma.segment.create({
      data: {
        userId: ctx.gina.id,
        sessionId: session.id,
        number: 0,
        startOffset: 0,
        duration: 30,
        storageKey: `s/${stamp}.ts`,
      },
    });
    await ctx.prisma.segment.update({ where: { id: segment.id }, data: { status: "ERROR", error: "boom" } });
    await waitFor(
      async () =>
        (await ctx.prisma.webhookDelivery.findFirst({ where: { endpointId: endpoint.id, status: "FAILED" } })) ?? null,
      60_000,
      "the delivery to fail for good",
    );
    expect(rx.received).toHaveLength(9);
    expect(new Set(rx.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    const log = await call("GET", `/api/webhook-endpoints/${endpoint.id}/deliveries`, ctx.gina);
    expect(log.json.deliveries).toEqual([
      expect.objectContaining({
        type: "segment.failed",
        status: "FAILED",
        attempts: 9,
        lastStatus: 503,
        lastError: "Answered 503.",
      }),
    ]);
    // The gaps grew: the engine backed off between attempts.
    const gaps = rx.received.slice(1).map((r, i) => r.at - rx.received[i].at);
    expect(gaps.at(-1)!).toBeGreaterThan(gaps[0]);

    // A 302 is an answer, not a place to go: that attempt counts as failed and the retry delivers.
    const redirecting = await startReceiver(200);
    redirecting.script.push(302);
    const r = await register(ctx.gina, redirecting.url, ["segment.failed"]);
    await call("POST", `/api/webhook-endpoints/${r.endpoint.id}/test`, ctx.gina);
    await waitFor(async () => redirecting.received.length >= 2 || null, 20_000, "the retry after a redirect");
    const row = await ctx.prisma.webhookDelivery.findFirstOrThrow({ where: { endpointId: r.endpoint.id } });
    expect(row).toMatchObject({ status: "DELIVERED", attempts: 2 });
    await rx.close();
    await redirecting.close();
  });
});
