/**
 * /api/inngest configured as Inngest documents for Inngest Cloud and a self-hosted `inngest start`
 * (INNGEST_SIGNING_KEY, INNGEST_EVENT_KEY, INNGEST_DEV=0, INNGEST_BASE_URL): the SDK's serve handler verifies
 * every request itself. The test is the Inngest server: it signs requests exactly as Inngest does
 * (`X-Inngest-Signature: t=<unix>&s=<HMAC-SHA256 of the canonical JSON body + t, keyed by the signing key without
 * its signkey-<env>- prefix>`), runs a real function's step, and receives the event that step sends on its own
 * Event API (`POST /e/<event key>`).
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import canonicalize from "canonicalize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, startRouteServer } from "./app-server";

const KEY = crypto.randomBytes(32).toString("hex");
const EVENT_KEY = `evt${crypto.randomBytes(8).toString("hex")}`;
let ctx: Awaited<ReturnType<typeof setup>>;

/** Inngest's Event API, as far as the SDK uses it: records each send and answers with ids. */
async function startEventApi() {
  const received: { path: string; body: unknown }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || "null") as unknown;
      received.push({ path: req.url!, body });
      const n = Array.isArray(body) ? body.length : 1;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ids: Array.from({ length: n }, (_, i) => `id${i}`), status: 200 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** As the Inngest server signs a request body (and the SDK signs its answers). */
function sign(body: string, at = Math.floor(Date.now() / 1000)) {
  const t = String(at);
  return `t=${t}&s=${crypto
    .createHmac("sha256", KEY)
    .update(body + t)
    .digest("hex")}`;
}

async function setup() {
  const [appPort] = await freePorts(1);
  const eventApi = await startEventApi();
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_SIGNING_KEY = `signkey-prod-${KEY}`;
  process.env.INNGEST_EVENT_KEY = EVENT_KEY;
  process.env.INNGEST_DEV = "0";
  process.env.INNGEST_BASE_URL = eventApi.url;
  const { prisma } = await import("@/lib/db");
  const route = await import("@/app/api/inngest/route");
  const server = await startRouteServer(
    { "/api/inngest": { GET: route.GET as never, POST: route.POST as never, PUT: route.PUT as never } },
    appPort,
  );
  const { functions } = await import("@/inngest");
  // Something for the step to hand over: a webhook delivery nobody dispatched yet.
  const stamp = Date.now();
  const user = await prisma.user.create({
    data: { id: `ip-${stamp}`, name: "Prod", email: `inngest-prod-${stamp}@example.com` },
  });
  const endpoint = await prisma.webhookEndpoint.create({
    data: { userId: user.id, url: "https://93.184.215.14/h", events: ["clip.ready"], secret: "whsec_eA==" },
  });
  const delivery = await prisma.webhookDelivery.create({
    data: { userId: user.id, endpointId: endpoint.id, type: "clip.ready", eventKey: `k-${stamp}`, objectId: "c" },
  });
  return { prisma, server, eventApi, functions, delivery };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  await ctx?.prisma.webhookDelivery.deleteMany({ where: { id: ctx.delivery.id } });
  await ctx?.server.close();
  await ctx?.eventApi.close();
});

/** The body Inngest sends to run a cron function's first step, in its canonical JSON. */
function runBody() {
  const event = { name: "inngest/scheduled.timer", data: { cron: "* * * * *" }, ts: Date.now(), id: "01TIMER" };
  return canonicalize({
    event,
    events: [event],
    steps: {},
    ctx: {
      run_id: `01RUN${Date.now()}`,
      attempt: 0,
      fn_id: "clipstream-dispatch-webhooks",
      stack: { stack: [], current: 0 },
      disable_immediate_execution: false,
      use_api: false,
    },
    version: 1,
  })!;
}

const run = (body: string, signature?: string) =>
  fetch(`${ctx.server.url}/api/inngest?fnId=clipstream-dispatch-webhooks&stepId=step`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature ? { "x-inngest-signature": signature } : {}) },
    body,
  });

describe("/api/inngest with Inngest Cloud or a self-hosted `inngest start`", () => {
  it("unsigned, badly signed, expired or tampered requests get 401 and run nothing", async () => {
    const body = runBody();
    const attempts: [string, Response][] = [
      ["introspection unsigned", await fetch(`${ctx.server.url}/api/inngest`)],
      ["run unsigned", await run(body)],
      ["run, wrong key", await run(body, `t=${Math.floor(Date.now() / 1000)}&s=${"0".repeat(64)}`)],
      ["run, signed 10 minutes ago", await run(body, sign(body, Math.floor(Date.now() / 1000) - 600))],
      ["run, body changed after signing", await run(body.replace("* * * * *", "0 * * * *"), sign(body))],
    ];
    for (const [what, res] of attempts) expect([what, res.status]).toEqual([what, 401]);
    expect(ctx.eventApi.received).toEqual([]);
    const row = await ctx.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: ctx.delivery.id } });
    expect(row.enqueuedAt).toBeNull();
  });

  it("a signed introspection is authenticated and lists every function", async () => {
    const res = await fetch(`${ctx.server.url}/api/inngest`, { headers: { "x-inngest-signature": sign("") } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      authentication_succeeded: true,
      mode: "cloud",
      has_event_key: true,
      has_signing_key: true,
      app_id: "clipstream",
      // Each function with an onFailure handler is two to Inngest.
      function_count:
        ctx.functions.length +
        ctx.functions.filter((f) => (f as unknown as { opts: { onFailure?: unknown } }).opts.onFailure).length,
      api_origin: ctx.eventApi.url,
    });
  });

  it("a signed run executes the step, which sends its events to the Event API with the event key; the answer is signed", async () => {
    const body = runBody();
    const res = await run(body, sign(body));
    const text = await res.text();
    expect(res.status).toBe(206);
    const [op] = JSON.parse(text) as { op: string; name: string; data: unknown }[];
    // Ours, and any other delivery this worker's database holds undispatched (other test files write some).
    expect([op.op, op.name]).toEqual(["StepRun", "dispatch"]);
    expect(op.data).toBeGreaterThanOrEqual(1);
    // Inngest checks the SDK's answer the same way.
    const answer = res.headers.get("x-inngest-signature")!;
    const t = /t=(\d+)/.exec(answer)![1];
    expect(answer).toBe(sign(text, Number(t)));
    expect(ctx.eventApi.received.length).toBeGreaterThan(0);
    expect(ctx.eventApi.received.every((r) => r.path === `/e/${EVENT_KEY}`)).toBe(true);
    const sent = ctx.eventApi.received.flatMap((r) => r.body as { name: string; id: string }[]);
    expect(sent).toContainEqual(
      expect.objectContaining({ name: "webhook/delivery.requested", id: `webhook-${ctx.delivery.id}` }),
    );
    expect(sent).toHaveLength(op.data as number);
    const row = await ctx.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: ctx.delivery.id } });
    expect(row.enqueuedAt).not.toBeNull();
  });

  it("the route trusts the SDK's check only as Inngest's docs configure it", async () => {
    const { sdkVerifiesRequests } = await import("@/lib/jobs/runner-auth");
    const env = (e: Record<string, string>) => ({ NODE_ENV: "test", ...e }) as NodeJS.ProcessEnv;
    const key = { INNGEST_SIGNING_KEY: "signkey-prod-ab" };
    expect(sdkVerifiesRequests(env({ ...key, INNGEST_DEV: "0" }))).toBe(true);
    expect(sdkVerifiesRequests(env(key))).toBe(true);
    // Dev mode: the SDK checks nothing, so the route asks for the embedded runner's own signature.
    expect(sdkVerifiesRequests(env({ ...key, INNGEST_DEV: "http://127.0.0.1:8288" }))).toBe(false);
    expect(sdkVerifiesRequests(env({ ...key, INNGEST_DEV: "1" }))).toBe(false);
    expect(sdkVerifiesRequests(env({ INNGEST_DEV: "0" }))).toBe(false);
  });
});
