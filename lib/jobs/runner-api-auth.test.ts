/**
 * The embedded runner's own HTTP API with INNGEST_SIGNING_KEY / INNGEST_EVENT_KEY set (issue 19.4): the real
 * Inngest SDK registers (bearer: the hashed signing key, as it sends it) and sends events (the event key in the
 * path), and runs execute; anything without the keys is refused with 401 and changes nothing. Health stays open.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { prisma } from "@/lib/db";
import { startRunner, type TRunner } from "./runner";
import { hashSigningKey } from "./runner-api";
import { waitFor } from "./testing";

const signingKey = `signkey-test-${randomBytes(32).toString("hex")}`;
const eventKey = `evt-${randomUUID()}`;
const appId = `t-auth-${randomUUID().slice(0, 8)}`;
let runner: TRunner;
let server: http.Server;

afterAll(async () => {
  await runner?.stop();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await prisma.jobRun.deleteMany({ where: { functionId: { startsWith: `${appId}-` } } });
  await prisma.jobApp.deleteMany({ where: { id: appId } });
});

describe("runner API with a signing key", () => {
  it("takes the SDK's registration and events with the keys, and refuses everything without them", async () => {
    const app: { handler?: http.RequestListener } = {};
    server = http.createServer((req, res) => (app.handler ? app.handler(req, res) : res.writeHead(503).end()));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const serveUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
    runner = await startRunner({
      port: 0,
      serveUrl,
      pollMs: 200,
      syncIntervalMs: 0,
      apiKeys: { signingKey, eventKey },
    });
    const inngest = new Inngest({ id: appId, isDev: true, baseUrl: runner.url, signingKey, eventKey });
    const ran: string[] = [];
    const fn = inngest.createFunction({ id: "ping", triggers: [{ event: "t/ping" }] }, async ({ event }) => {
      ran.push(String(event.data.n));
    });
    app.handler = serve({ client: inngest, functions: [fn] });
    await waitFor(async () => (await prisma.jobFunction.count({ where: { appId } })) === 1, 15_000, "registration");
    await inngest.send({ name: "t/ping", data: { n: 1 } });
    await waitFor(() => ran.includes("1"), 15_000, "the run");

    const unauthorized = { error: { code: "unauthorized", message: "A valid signing key is required." } };
    const call = async (method: string, p: string, headers: Record<string, string> = {}, body?: string) => {
      const res = await fetch(`${runner.url}${p}`, { method, headers, body });
      return [res.status, await res.json()];
    };
    const registration = JSON.stringify({ appName: appId, url: serveUrl, functions: [] });
    expect(await call("POST", "/fn/register", {}, registration)).toEqual([401, unauthorized]);
    expect(
      await call(
        "POST",
        "/fn/register",
        { authorization: `Bearer ${hashSigningKey("signkey-test-00")}` },
        registration,
      ),
    ).toEqual([401, unauthorized]);
    // The raw key is not the token: the SDK sends its hash.
    expect(await call("POST", "/fn/register", { authorization: `Bearer ${signingKey}` }, registration)).toEqual([
      401,
      unauthorized,
    ]);
    expect(await prisma.jobFunction.count({ where: { appId } })).toBe(1); // nothing re-registered
    expect(await call("GET", "/runs")).toEqual([401, unauthorized]);
    const [status, body] = await call("GET", `/runs?functionId=${appId}-ping`, {
      authorization: `Bearer ${hashSigningKey(signingKey)}`,
    });
    expect([status, (body as { runs: unknown[] }).runs.length]).toEqual([200, 1]);
    const events = await prisma.jobEvent.count();
    expect(await call("POST", "/e/wrong-key", {}, JSON.stringify({ name: "t/ping", data: { n: 2 } }))).toEqual([
      401,
      { ids: [], status: 401, error: "Event key not found" },
    ]);
    expect(await prisma.jobEvent.count()).toBe(events);
    expect((await call("GET", "/health"))[0]).toBe(200);
    expect(ran).toEqual(["1"]);
  });
});
