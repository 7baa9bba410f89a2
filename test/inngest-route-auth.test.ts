/**
 * /api/inngest with the embedded runner (dev mode, no INNGEST_SIGNING_KEY): the Inngest SDK does not verify
 * requests then, so the route requires the runner's signature (lib/jobs/verify-runner-request.ts). Anything
 * else → 401 in the error shape and no function code runs (the segment the request targets is unchanged).
 * The real runner's own signed calls (sync, execution) still work.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, startRouteServer } from "./app-server";

let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const [appPort, runnerPort] = await freePorts(2);
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  delete process.env.INNGEST_SIGNING_KEY;
  const { prisma } = await import("@/lib/db");
  await prisma.jobApp.deleteMany({ where: { id: "clipstream" } });
  const route = await import("@/app/api/inngest/route");
  const server = await startRouteServer(
    { "/api/inngest": { GET: route.GET as never, POST: route.POST as never, PUT: route.PUT as never } },
    appPort,
  );
  const { startRunner } = await import("@/lib/jobs/runner");
  const runner = await startRunner({ port: runnerPort, serveUrl: `${server.url}/api/inngest`, syncIntervalMs: 0 });
  // Registration went through the guard: the runner's signed PUT made the SDK register its functions.
  for (let i = 0; (await prisma.jobFunction.count({ where: { appId: "clipstream" } })) < 5; i++) {
    if (i > 80) throw new Error("functions never registered");
    await new Promise((r) => setTimeout(r, 250));
  }
  const stamp = Date.now();
  const user = await prisma.user.create({
    data: { id: `ia-${stamp}`, name: "Inngest", email: `inngest-auth-${stamp}@example.com` },
  });
  const streamer = await prisma.streamer.create({
    data: { userId: user.id, name: "s", kind: "URL", source: "https://93.184.215.14/s.m3u8", monitored: false },
  });
  const session = await prisma.liveSession.create({
    data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 30, status: "ENDED" },
  });
  const segment = await prisma.segment.create({
    data: { sessionId: session.id, userId: user.id, number: 0, startOffset: 0, duration: 30, storageKey: "nowhere.ts" },
  });
  return { prisma, server, runner, user, session, segment };
}

beforeAll(async () => {
  ctx = await setup();
}, 60_000);
afterAll(async () => {
  await ctx?.runner.stop();
  await ctx?.server.close();
});

const PATH = "/api/inngest?fnId=clipstream-process-segment&stepId=step";
function execBody() {
  const event = {
    name: "segment/recording.ready",
    data: { segmentId: ctx.segment.id, sessionId: ctx.session.id, userId: ctx.user.id },
    id: "e1",
    ts: Date.now(),
  };
  return JSON.stringify({
    event,
    events: [event],
    steps: {},
    ctx: {
      run_id: "01FORGED",
      attempt: 0,
      max_attempts: 4,
      disable_immediate_execution: false,
      use_api: false,
      stack: { stack: [], current: 0 },
    },
  });
}
async function send(method: string, path: string, body: string | undefined, sig?: string) {
  const { RUNNER_SIGNATURE_HEADER } = await import("@/lib/jobs/runner-auth");
  const res = await fetch(`${ctx.server.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(sig ? { [RUNNER_SIGNATURE_HEADER]: sig } : {}) },
    body,
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}
const segmentState = () =>
  ctx.prisma.segment.findUniqueOrThrow({
    where: { id: ctx.segment.id },
    select: { status: true, stage: true, attempts: true, progress: true, error: true },
  });

describe("/api/inngest without INNGEST_SIGNING_KEY", () => {
  it("refuses every request that is not the runner's, and nothing executes", async () => {
    const { signRequest } = await import("@/lib/signing");
    const { runnerSigningSecret } = await import("@/lib/jobs/runner-auth");
    const key = runnerSigningSecret();
    const body = execBody();
    const now = Math.floor(Date.now() / 1000);
    const cases: { name: string; method: string; path: string; body?: string; sig?: string; reason: string }[] = [
      { name: "unsigned POST (execute a step)", method: "POST", path: PATH, body, reason: "missing" },
      { name: "unsigned PUT (register)", method: "PUT", path: "/api/inngest", body: "", reason: "missing" },
      { name: "unsigned GET (introspect)", method: "GET", path: "/api/inngest", reason: "missing" },
      {
        name: "signed with another key",
        method: "POST",
        path: PATH,
        body,
        sig: signRequest("not-the-runner-key-123", "POST", PATH, body),
        reason: "mismatch",
      },
      {
        name: "signed with the recorder secret",
        method: "POST",
        path: PATH,
        body,
        sig: signRequest(
          process.env.RECORDER_SECRET ?? "clipstream-development-secret-not-for-production-recorder",
          "POST",
          PATH,
          body,
        ),
        reason: "mismatch",
      },
      {
        name: "signed for another function",
        method: "POST",
        path: PATH,
        body,
        sig: signRequest(key, "POST", PATH.replace("process-segment", "render-clip"), body),
        reason: "mismatch",
      },
      {
        name: "body swapped",
        method: "POST",
        path: PATH,
        body,
        sig: signRequest(key, "POST", PATH, body.replace(ctx.segment.id, "other")),
        reason: "mismatch",
      },
      {
        name: "a PUT signature used to POST",
        method: "POST",
        path: PATH,
        body,
        sig: signRequest(key, "PUT", PATH, body),
        reason: "mismatch",
      },
      {
        name: "stale (10 min old)",
        method: "POST",
        path: PATH,
        body,
        sig: signRequest(key, "POST", PATH, body, now - 600),
        reason: "stale",
      },
      { name: "garbage header", method: "POST", path: PATH, body, sig: "t=1,v1=nope", reason: "malformed" },
    ];
    const before = await segmentState();
    for (const c of cases) {
      const r = await send(c.method, c.path, c.body, c.sig);
      expect({ name: c.name, ...r }).toEqual({
        name: c.name,
        status: 401,
        json: { error: { code: "unauthorized", message: `Invalid runner signature (${c.reason}).` } },
      });
    }
    expect(await segmentState()).toEqual(before);
    expect(before.status).toBe("READY");
  });

  it("the runner's signature executes once; the same request replayed → 401, nothing runs again", async () => {
    const { signRequest } = await import("@/lib/signing");
    const { runnerSigningSecret } = await import("@/lib/jobs/runner-auth");
    const body = execBody();
    const sig = signRequest(runnerSigningSecret(), "POST", PATH, body);
    const first = await send("POST", PATH, body, sig);
    expect(first.status).toBe(206); // the SDK ran the first step ("begin")
    const after = await segmentState();
    expect([after.status, after.stage, after.attempts]).toEqual(["PROCESSING", "extracting_audio", 1]);
    expect(await send("POST", PATH, body, sig)).toEqual({
      status: 401,
      json: { error: { code: "unauthorized", message: "Invalid runner signature (replayed)." } },
    });
    expect(await segmentState()).toEqual(after);
  });

  it("a body past 32 MiB → 413 before the signature is checked or the SDK parses it; nothing runs", async () => {
    const { signRequest } = await import("@/lib/signing");
    const { runnerSigningSecret } = await import("@/lib/jobs/runner-auth");
    const { INNGEST_MAX_BODY_BYTES } = await import("@/lib/jobs/verify-runner-request");
    const event = JSON.parse(execBody());
    const body = JSON.stringify({ ...event, padding: "x".repeat(INNGEST_MAX_BODY_BYTES) });
    const before = await segmentState();
    const sig = signRequest(runnerSigningSecret(), "POST", PATH, body);
    expect(await send("POST", PATH, body, sig)).toEqual({
      status: 413,
      json: {
        error: { code: "payload_too_large", message: `Request body is larger than ${INNGEST_MAX_BODY_BYTES} bytes.` },
      },
    });
    // Without a signature the request is refused before its body is read at all.
    expect((await send("POST", PATH, body)).status).toBe(401);
    expect(await segmentState()).toEqual(before);
  });
});
