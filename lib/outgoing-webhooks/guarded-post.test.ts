import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedPost } from "./guarded-post";

let hits: string[] = [];
let server: http.Server;
let base = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url!);
    if (req.url === "/redirect") return res.writeHead(302, { location: `${base}/target` }).end();
    if (req.url === "/slow") return; // never answers
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("guardedPost", () => {
  it("refuses private addresses, literal or resolved, without connecting", async () => {
    hits = [];
    const port = new URL(base).port;
    expect(await guardedPost(`http://127.0.0.1:${port}/x`, "{}", {})).toEqual({
      status: null,
      error: "127.0.0.1 is a private address",
    });
    expect(await guardedPost(`http://[::1]:${port}/x`, "{}", {})).toEqual({
      status: null,
      error: "::1 is a private address",
    });
    // A name is checked on the address it resolves to, at connect time (DNS rebinding).
    expect(await guardedPost(`http://localhost:${port}/x`, "{}", {})).toEqual({
      status: null,
      error: "localhost resolves to a private address",
    });
    expect(hits).toEqual([]);
  });

  it("answers a redirect with its status and never follows it", async () => {
    hits = [];
    const r = await guardedPost(`${base}/redirect`, "{}", {}, { allowPrivate: true });
    expect(r).toMatchObject({ status: 302 });
    await new Promise((res) => setTimeout(res, 100));
    expect(hits).toEqual(["/redirect"]);
  });

  it("gives up on a silent endpoint after the timeout", async () => {
    const r = await guardedPost(`${base}/slow`, "{}", {}, { allowPrivate: true, timeoutMs: 300 });
    expect(r).toEqual({ status: null, error: "no answer within 0.3 s" });
  });
});
