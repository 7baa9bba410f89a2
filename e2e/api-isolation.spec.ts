import { expect, test, type APIRequestContext } from "./fixtures";

/** Signs up a fresh account; the request context keeps its session cookie. */
async function signUp(request: APIRequestContext, baseURL: string, name: string) {
  const res = await request.post("/api/auth/sign-up/email", {
    headers: { origin: baseURL },
    data: { email: `${name}-${Date.now()}@example.com`, password: "isolation-pass-1", name },
  });
  expect(res.status()).toBe(200);
}

test("each user sees only their own data; bad input gets a clear error and saves nothing", async ({
  playwright,
  baseURL,
}) => {
  const alice = await playwright.request.newContext({ baseURL });
  const bob = await playwright.request.newContext({ baseURL });
  const anon = await playwright.request.newContext({ baseURL });
  await signUp(alice, baseURL!, "alice");
  await signUp(bob, baseURL!, "bob");

  const created = await alice.post("/api/streamers", {
    data: { source: "http://127.0.0.1:9/live/alice.m3u8", name: "Alice live" },
  });
  expect(created.status()).toBe(201);
  const { streamer } = await created.json();

  const notFound = { error: { code: "not_found", message: "Streamer not found." } };
  const attempts: [string, Promise<import("@playwright/test").APIResponse>, unknown][] = [
    ["GET streamer", bob.get(`/api/streamers/${streamer.id}`), notFound],
    ["PATCH streamer", bob.patch(`/api/streamers/${streamer.id}`, { data: { name: "mine now" } }), notFound],
    ["DELETE streamer", bob.delete(`/api/streamers/${streamer.id}?clips=delete`), notFound],
    ["GET clip", bob.get(`/api/clips/${streamer.id}`), { error: { code: "not_found", message: "Clip not found." } }],
    [
      "share clip",
      bob.post(`/api/clips/${streamer.id}/share`),
      { error: { code: "not_found", message: "Clip not found." } },
    ],
    [
      "retry segment",
      bob.post(`/api/segments/${streamer.id}/retry`),
      { error: { code: "not_found", message: "Segment not found." } },
    ],
  ];
  for (const [what, pending, body] of attempts) {
    const res = await pending;
    expect(res.status(), what).toBe(404);
    expect(await res.json(), what).toEqual(body);
  }
  expect((await (await bob.get("/api/streamers")).json()).streamers).toEqual([]);
  expect((await (await bob.get("/api/clips")).json()).clips).toEqual([]);
  expect((await (await bob.get("/api/dashboard")).json()).streamers).toEqual([]);

  for (const path of ["/api/streamers", "/api/clips", "/api/dashboard", `/api/streamers/${streamer.id}`]) {
    const res = await anon.get(path);
    expect(res.status(), path).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "unauthorized", message: "Sign in to continue." } });
  }

  // Alice still has exactly her streamer, unchanged.
  const mine = await (await alice.get(`/api/streamers/${streamer.id}`)).json();
  expect(mine.streamer.name).toBe("Alice live");

  const bad: [unknown, number, { code: string; message: string }][] = [
    [
      { source: "ftp://example.com/x" },
      422,
      { code: "invalid_input", message: 'Unsupported protocol "ftp". Use http, https, rtmp or rtmps.' },
    ],
    [{ source: "" }, 422, { code: "invalid_input", message: "Enter a stream URL (HLS .m3u8, RTMP or HTTP)." }],
    [
      { source: "http://127.0.0.1:9/live/alice.m3u8" },
      409,
      { code: "conflict", message: "You already added this stream." },
    ],
    [
      { source: 42 },
      422,
      { code: "invalid_input", message: "source: Invalid input: expected string, received number" },
    ],
    [
      { source: "http://127.0.0.1:9/x.m3u8", segmentSeconds: 1 },
      422,
      { code: "invalid_input", message: "segmentSeconds: must be at least 4 seconds." },
    ],
    [
      { source: "http://127.0.0.1:9/x.m3u8", name: "" },
      422,
      { code: "invalid_input", message: "name: Too small: expected string to have >=1 characters" },
    ],
  ];
  for (const [data, status, error] of bad) {
    const res = await alice.post("/api/streamers", { data });
    expect(res.status(), JSON.stringify(data)).toBe(status);
    expect(await res.json()).toEqual({ error });
  }
  const raw = await alice.post("/api/streamers", {
    headers: { "content-type": "application/json" },
    data: Buffer.from("{not json"),
  });
  expect(raw.status()).toBe(400);
  expect(await raw.json()).toEqual({ error: { code: "bad_request", message: "Request body is not valid JSON." } });
  const patchBad = await alice.patch(`/api/streamers/${streamer.id}`, {
    data: { minClipSeconds: 90, maxClipSeconds: 30 },
  });
  expect(patchBad.status()).toBe(422);
  expect(await patchBad.json()).toEqual({
    error: { code: "invalid_input", message: "minClipSeconds must not exceed maxClipSeconds." },
  });
  expect((await (await alice.get("/api/streamers")).json()).streamers).toHaveLength(1);

  // Deleting is owner-only and final.
  expect((await alice.delete(`/api/streamers/${streamer.id}?clips=delete`)).status()).toBe(200);
  expect((await alice.get(`/api/streamers/${streamer.id}`)).status()).toBe(404);
  await Promise.all([alice.dispose(), bob.dispose(), anon.dispose()]);
});
