/**
 * Fault: the transcription/detection provider (Groq, here a local server speaking its wire format) answers
 * 500, 429 or garbage. Each segment's run retries (the SDK's own retries inside each of the function's
 * attempts), then the segment shows ERROR with a reason; a segment recorded once the provider is healthy
 * again is processed normally, and POST /api/segments/[id]/retry brings a failed one to DONE.
 * Everything else is real: the webhook and retry routes, better-auth, the embedded runner, ffmpeg, PostgreSQL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  helloThereTranscription,
  noHighlightsCompletion,
  startFakeGroq,
  type TRecordedRequest,
} from "./fixtures/fake-groq";
import { freePorts, loadApiRoutes } from "./app-server";
import { startAppWithRunner } from "./fixtures/app-with-runner";
import { announceSegment, makeToneSegment, signUpViaApi, waitFor, waitForFunctions } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "provider-faults-"));
const GROQ_KEY = "gsk_provider_faults_test_key_0123456789";
/** The operator's Groq organisation, as Groq names it in rate-limit errors: never shown to users. */
const ORG = "org_01operatorsecretorg";
type TMode = "500" | "429" | "garbage" | "ok";
const provider = { mode: "500" as TMode };
let ctx: Awaited<ReturnType<typeof setup>>;

function answer(req: TRecordedRequest): { status?: number; json?: unknown; raw?: string } {
  if (provider.mode === "500")
    return { status: 500, json: { error: { message: "Internal Server Error", type: "internal_server_error" } } };
  if (provider.mode === "429")
    return {
      status: 429,
      json: {
        error: {
          message: `Rate limit reached for model in organization \`${ORG}\` on tokens per day: Limit 500000, Used 499990`,
          type: "tokens",
          code: "rate_limit_exceeded",
        },
      },
    };
  if (provider.mode === "garbage") return { raw: "<html><body>502 Bad Gateway</body></html>" };
  if (req.url.endsWith("/audio/transcriptions")) return { json: helloThereTranscription({ x_groq: { id: "req_1" } }) };

  return { json: noHighlightsCompletion() };
}

async function setup() {
  const groq = await startFakeGroq(answer);
  const [appPort, runnerPort] = await freePorts(2);
  process.env.GROQ_API_KEY = GROQ_KEY;
  process.env.GROQ_BASE_URL = groq.baseURL;
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "provider-faults-recorder-secret";

  const { prisma, server, runner } = await startAppWithRunner({
    routes: await loadApiRoutes(),
    appPort,
    runnerPort,
    runner: { backoffBaseMs: 100 },
  });
  await waitForFunctions();

  const user = await signUpViaApi(server.url, {
    email: `faults-${Date.now()}@example.com`,
    password: "faults-pass-1",
    name: "Faults",
    ip: "10.77.0.1",
  });
  const { cookie } = user;
  const streamer = await prisma.streamer.create({
    data: {
      userId: user.id,
      name: "faults",
      kind: "URL",
      source: "https://93.184.215.14/f.m3u8",
      monitored: false,
      minClipSeconds: 5,
      maxClipSeconds: 20,
    },
  });
  const session = await prisma.liveSession.create({
    data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 4 },
  });

  const media = makeToneSegment(path.join(tmp, "seg.ts"));
  return { prisma, groq, server, runner, cookie, session, media };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  // Not left RECORDING in the shared test database (a later recorder would try to resume it).
  await ctx?.prisma.liveSession.update({ where: { id: ctx.session.id }, data: { status: "ENDED" } });
  await ctx?.runner.stop();
  await ctx?.prisma.jobRun.deleteMany({ where: { functionId: { startsWith: "clipstream-" } } });
  await ctx?.server.close();
  await ctx?.groq.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Stores segment `number` and announces it through the real, signed webhook. */
async function announce(number: number): Promise<string> {
  const res = await announceSegment(ctx.server.url, ctx.session.id, number, ctx.media);
  expect(res.status).toBe(200);
  return ((await res.json()) as { segmentId: string }).segmentId;
}

const settled = (id: string) =>
  waitFor(
    async () => {
      const s = await ctx.prisma.segment.findUniqueOrThrow({ where: { id } });
      return s.status === "DONE" || s.status === "ERROR" ? s : null;
    },
    120_000,
    `segment ${id} to settle`,
  );

describe("provider faults", () => {
  const failed: string[] = [];

  it.each([
    ["500", /^Processing failed: Groq transcription: the provider failed \(HTTP 500\)\.$/],
    ["429", /^Processing failed: Groq transcription: the provider rate limit was reached \(HTTP 429\)\.$/],
    ["garbage", /^Processing failed: /],
  ] as const)(
    "provider answering %s: retried, then ERROR with a reason (no key or account details in it)",
    async (mode, reason) => {
      provider.mode = mode;
      const before = ctx.groq.requests.length;
      const id = await announce(failed.length);
      const seg = await settled(id);
      expect(seg.status).toBe("ERROR");
      expect(seg.error).toMatch(reason);
      expect(seg.error).not.toContain(GROQ_KEY);
      expect(seg.error).not.toContain(ORG);
      // Retried: the SDK's retries within each of the function's attempts (4 attempts × 3 requests for 5xx/429).
      expect(ctx.groq.requests.length - before).toBeGreaterThanOrEqual(4);
      failed.push(id);
    },
    150_000,
  );

  it("once the provider is healthy, a new segment is processed and a failed one is retried to DONE via the API", async () => {
    provider.mode = "ok";
    const fresh = await announce(failed.length);
    expect((await settled(fresh)).status).toBe("DONE");
    // The failed segments stay failed (nothing retried them behind the owner's back)...
    for (const id of failed)
      expect((await ctx.prisma.segment.findUniqueOrThrow({ where: { id } })).status).toBe("ERROR");
    // ...until the owner retries one.
    const res = await fetch(`${ctx.server.url}/api/segments/${failed[0]}/retry`, {
      method: "POST",
      headers: { cookie: ctx.cookie },
    });
    expect([res.status, await res.json()]).toEqual([202, { ok: true }]);
    const retried = await settled(failed[0]);
    expect([retried.status, retried.error]).toEqual(["DONE", null]);
    const transcript = await ctx.prisma.transcript.findUniqueOrThrow({ where: { segmentId: failed[0] } });
    expect(transcript.text.trim()).toBe("Hello there.");
    expect((await ctx.prisma.segment.findUniqueOrThrow({ where: { id: failed[1] } })).status).toBe("ERROR");
  }, 150_000);
});
