/**
 * Recorder webhooks against the real route, runner and PostgreSQL: a signature is accepted once
 * (lib/webhooks/claim-delivery.ts). Unsigned, tampered, stale or replayed deliveries → 401 and the
 * database (segments, events, receipts) is unchanged; a resend of the same message (re-signed, as the
 * outbox does) is an idempotent 200; a delivery that failed may be retried with the same signature.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, startRouteServer } from "./app-server";

/** Webhook deliveries claimed (request nonces of the runner and the recorder share the table and arrive at any time). */
const WEBHOOK_RECEIPTS = {
  where: { NOT: [{ signature: { startsWith: "runner:" } }, { signature: { startsWith: "recorder:" } }] },
};

let ctx: Awaited<ReturnType<typeof setup>>;
const SECRET = "webhook-replay-test-secret";

async function setup() {
  const [appPort, runnerPort] = await freePorts(2);
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.RECORDER_SECRET = SECRET;
  const { prisma } = await import("@/lib/db");
  // Functions registered by an earlier test file point at its (closed) server: this runner only stores events.
  await prisma.jobApp.deleteMany({ where: { id: "clipstream" } });
  await prisma.jobRun.deleteMany({ where: { functionId: { startsWith: "clipstream-" } } });
  const webhook = await import("@/app/api/webhooks/recorder/route");
  const server = await startRouteServer({ "/api/webhooks/recorder": { POST: webhook.POST as never } }, appPort);
  // The real runner receives the events; no functions are served here, so events are only stored.
  const { startRunner } = await import("@/lib/jobs/runner");
  const runner = await startRunner({ port: runnerPort, serveUrl: `${server.url}/api/inngest`, syncIntervalMs: 0 });
  const stamp = Date.now();
  const user = await prisma.user.create({
    data: { id: `wh-${stamp}`, name: "Webhook", email: `webhook-${stamp}@example.com` },
  });
  const streamer = await prisma.streamer.create({
    data: { userId: user.id, name: "s", kind: "URL", source: "https://93.184.215.14/s.m3u8", monitored: false },
  });
  const session = await prisma.liveSession.create({
    data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 30 },
  });
  return { prisma, server, runner, session };
}

beforeAll(async () => {
  ctx = await setup();
}, 60_000);

afterAll(async () => {
  // Not left RECORDING in the shared test database (a later recorder would try to resume it).
  await ctx?.prisma.liveSession.update({ where: { id: ctx.session.id }, data: { status: "ENDED" } });
  await ctx?.runner.stop();
  await ctx?.server.close();
});

const segment = (number: number) => ({
  type: "segment.recorded",
  sessionId: ctx.session.id,
  number,
  startOffset: number * 30,
  duration: 30,
  storageKey: `s/${number}.ts`,
  sizeBytes: 10,
  final: false,
});

async function deliver(body: string, header?: string) {
  const { SIGNATURE_HEADER } = await import("@/lib/signing");
  const res = await fetch(`${ctx.server.url}/api/webhooks/recorder`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(header ? { [SIGNATURE_HEADER]: header } : {}) },
    body,
  });
  return { status: res.status, json: await res.json() };
}

async function snapshot() {
  const segs = await ctx.prisma.segment.findMany({
    where: { sessionId: ctx.session.id },
    orderBy: { number: "asc" },
    select: { id: true, number: true, status: true },
  });
  return {
    segments: segs,
    events: await ctx.prisma.jobEvent.count({ where: { data: { path: ["sessionId"], equals: ctx.session.id } } }),
    receipts: await ctx.prisma.webhookReceipt.count(WEBHOOK_RECEIPTS),
  };
}

describe("recorder webhook replay protection", () => {
  it("accepts a signed delivery once, then rejects the identical replay with 401 and changes nothing", async () => {
    const { signBody } = await import("@/lib/signing");
    const body = JSON.stringify(segment(0));
    const header = signBody(SECRET, body);
    const first = await deliver(body, header);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ ok: true, duplicate: false });
    const after = await snapshot();
    expect(after.segments.map((s) => s.number)).toEqual([0]);
    expect(after.events).toBe(1);

    const replay = await deliver(body, header);
    expect(replay).toEqual({
      status: 401,
      json: { error: { code: "unauthorized", message: "Invalid webhook signature (replayed)." } },
    });
    expect(await snapshot()).toEqual(after);
  });

  it("treats a resend of the same message (new signature) as an idempotent duplicate", async () => {
    const { signBody } = await import("@/lib/signing");
    const body = JSON.stringify(segment(0));
    const before = await snapshot();
    const again = await deliver(body, signBody(SECRET, body, Math.floor(Date.now() / 1000) - 7));
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ ok: true, segmentId: before.segments[0].id, duplicate: true });
    const after = await snapshot();
    expect(after.segments).toEqual(before.segments);
    expect(after.events).toBe(before.events); // same deterministic event id: deduplicated by the runner
  });

  it.each([
    ["unsigned", (b: string) => [b, undefined], "missing"],
    [
      "tampered body",
      (b: string, sign: (x: string) => string) => [b.replace('"number":5', '"number":6'), sign(b)],
      "mismatch",
    ],
    [
      "wrong secret",
      (b: string, _s: unknown, signWith: (k: string, x: string) => string) => [
        b,
        signWith("another-secret-0123456", b),
      ],
      "mismatch",
    ],
    [
      "stale (10 minutes old)",
      (b: string, _s: unknown, _w: unknown, signAt: (x: string, t: number) => string) => [
        b,
        signAt(b, Math.floor(Date.now() / 1000) - 600),
      ],
      "stale",
    ],
    [
      "from the future",
      (b: string, _s: unknown, _w: unknown, signAt: (x: string, t: number) => string) => [
        b,
        signAt(b, Math.floor(Date.now() / 1000) + 600),
      ],
      "stale",
    ],
    ["garbage header", (b: string) => [b, "t=abc,v1=zz"], "malformed"],
  ] as const)("%s → 401, nothing stored", async (_name, make, reason) => {
    const { signBody } = await import("@/lib/signing");
    const before = await snapshot();
    const [body, header] = (make as (...a: unknown[]) => [string, string | undefined])(
      JSON.stringify(segment(5)),
      (x: string) => signBody(SECRET, x),
      (k: string, x: string) => signBody(k, x),
      (x: string, t: number) => signBody(SECRET, x, t),
    );
    const r = await deliver(body, header);
    expect(r).toEqual({
      status: 401,
      json: { error: { code: "unauthorized", message: `Invalid webhook signature (${reason}).` } },
    });
    expect(await snapshot()).toEqual(before);
  });

  it("a delivery that failed is not burnt: the same signature may be retried", async () => {
    const { signBody } = await import("@/lib/signing");
    const body = JSON.stringify({ ...segment(1), sessionId: "no-such-session" });
    const header = signBody(SECRET, body);
    const before = await snapshot();
    for (let i = 0; i < 2; i++) {
      expect(await deliver(body, header)).toEqual({
        status: 404,
        json: { error: { code: "not_found", message: "Unknown session." } },
      });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("prunes a scope's receipts past twice the signature window, at most once per 10 s per process", async () => {
    const { claimNonce } = await import("@/lib/webhooks/claim-delivery");
    const { SIGNATURE_TOLERANCE_SECONDS } = await import("@/lib/signing");
    const p = ctx.prisma;
    const old = new Date(Date.now() - 2 * SIGNATURE_TOLERANCE_SECONDS * 1000 - 60_000);
    const scope = `prunetest${Date.now()}`;
    const stale = async (n: number) => {
      const rows = [`${scope}:old-${n}-a`, `${scope}:old-${n}-b`];
      await p.webhookReceipt.createMany({ data: rows.map((signature) => ({ signature, receivedAt: old })) });
      return rows;
    };
    const left = (rows: string[]) => p.webhookReceipt.count({ where: { signature: { in: rows } } });
    // The scope's first signed call deletes its stale receipts; the fresh one stays, and another scope's are kept.
    const rows = await stale(1);
    await p.webhookReceipt.create({ data: { signature: `other${scope}:old`, receivedAt: old } });
    await claimNonce(scope, "fresh-1", "replayed");
    expect(await left(rows)).toBe(0);
    expect(await left([`${scope}:fresh-1`, `other${scope}:old`])).toBe(2);
    // Within 10 s, further calls do not delete again: stale receipts wait for the next prune.
    const later = await stale(2);
    await claimNonce(scope, "fresh-2", "replayed");
    expect(await left(later)).toBe(2);
    await expect(claimNonce(scope, "fresh-2", "replayed")).rejects.toThrow("replayed");
    await p.webhookReceipt.deleteMany({ where: { signature: { contains: scope } } });
  });
});
