/**
 * Clip studio API against the real route handlers, real better-auth sessions and real PostgreSQL:
 * review actions (PATCH /api/clips/[id]), gallery filters with keyset paging (GET /api/clips), full-text
 * search over transcripts and clip titles (GET /api/search) with the GIN indexes, and table-driven bad input
 * with exact error bodies.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, loadApiRoutes, startRouteServer } from "./app-server";
import { signUpViaApi } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "studio-"));
const stamp = Date.now();
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const [appPort, runnerPort, recorderPort] = await freePorts(3);
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.RECORDER_URL = `http://127.0.0.1:${recorderPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "studio-test-recorder-secret";
  const { prisma } = await import("@/lib/db");
  const server = await startRouteServer(await loadApiRoutes(), appPort);

  const signUp = (name: string) =>
    signUpViaApi(server.url, {
      email: `${name}-${stamp}@example.com`,
      password: "studio-pass-12",
      name,
      ip: `10.5.0.${name.length}`,
    });
  const carol = await signUp("carol");
  const dave = await signUp("dave");

  const mk = async (userId: string, name: string) => {
    const streamer = await prisma.streamer.create({
      data: { userId, name, kind: "URL", source: "https://93.184.215.14/s.m3u8", monitored: false },
    });
    const session = await prisma.liveSession.create({
      data: { userId, streamerId: streamer.id, segmentSeconds: 30, status: "ENDED" },
    });
    return { streamer, session };
  };
  const a = await mk(carol.id, "Carol plays");
  const b = await mk(carol.id, "Carol talks");
  const d = await mk(dave.id, "Dave");

  // Two transcripts with word timings in stream time; the phrase sits in the second segment at 41.2 s.
  const words = (text: string, start: number) =>
    text.split(" ").map((w, i) => ({ w, s: start + i * 0.4, e: start + i * 0.4 + 0.35 }));
  const seg0 = await prisma.segment.create({
    data: { userId: carol.id, sessionId: a.session.id, number: 0, startOffset: 0, duration: 30, status: "DONE" },
  });
  const seg1 = await prisma.segment.create({
    data: { userId: carol.id, sessionId: a.session.id, number: 1, startOffset: 30, duration: 30, status: "DONE" },
  });
  const t0 = "welcome back everyone today we are trying the hard route again";
  const t1 = "okay careful now i usually stream three times a week mostly in the evening";
  await prisma.transcript.create({
    data: { segmentId: seg0.id, userId: carol.id, engine: "pocketsphinx", text: t0, words: words(t0, 1) },
  });
  await prisma.transcript.create({
    data: { segmentId: seg1.id, userId: carol.id, engine: "pocketsphinx", text: t1, words: words(t1, 38) },
  });
  // Dave has the same words: his results must never show up for Carol.
  const dseg = await prisma.segment.create({
    data: { userId: dave.id, sessionId: d.session.id, number: 0, startOffset: 0, duration: 30, status: "DONE" },
  });
  await prisma.transcript.create({
    data: { segmentId: dseg.id, userId: dave.id, engine: "pocketsphinx", text: t1, words: words(t1, 2) },
  });

  // 7 clips for Carol with distinct creation times (newest last), varied score / streamer / session.
  const clips = [];
  for (let i = 0; i < 7; i++) {
    const s = i < 5 ? a : b;
    clips.push(
      await prisma.clip.create({
        data: {
          userId: carol.id,
          streamerId: s.streamer.id,
          sessionId: s.session.id,
          segmentId: i === 2 ? seg1.id : null,
          detectionKey: `k${i}`,
          startTime: i === 2 ? 36 : i * 60,
          endTime: i === 2 ? 50 : i * 60 + 12,
          title: i === 3 ? "Insane comeback in the final round" : `Moment ${i}`,
          reason: "loud",
          score: 40 + i * 10,
          engine: "test",
          status: i === 6 ? "RENDERING" : "READY",
          videoKey: `clips/${stamp}/${i}.mp4`,
          createdAt: new Date(Date.UTC(2026, 10, 20 + (i % 3), 12, 0, i)),
        },
      }),
    );
  }
  const daveClip = await prisma.clip.create({
    data: {
      userId: dave.id,
      streamerId: d.streamer.id,
      sessionId: d.session.id,
      detectionKey: "d",
      startTime: 0,
      endTime: 10,
      title: "Insane comeback by Dave",
      reason: "loud",
      score: 90,
      engine: "test",
      status: "READY",
    },
  });
  return { prisma, server, carol, dave, a, b, seg0, seg1, clips, daveClip };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  await ctx?.prisma.user.deleteMany({ where: { id: { in: [ctx.carol.id, ctx.dave.id] } } });
  await ctx?.server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function call(method: string, p: string, as: { cookie: string } | null, json?: unknown, rawBody?: string) {
  const headers: Record<string, string> = {};
  if (as) headers.cookie = as.cookie;
  if (json !== undefined || rawBody !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${ctx.server.url}${p}`, {
    method,
    headers,
    body: rawBody ?? (json === undefined ? undefined : JSON.stringify(json)),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

type TList = {
  clips: { id: string; review: string; favorite: boolean; score: number; title: string }[];
  nextCursor: string | null;
};

describe("review actions", () => {
  it("approve, reject, favourite, back to pending; each answer is the updated clip", async () => {
    const id = ctx.clips[0].id;
    let r = await call("PATCH", `/api/clips/${id}`, ctx.carol, { review: "APPROVED" });
    expect([r.status, r.json.clip.review, r.json.clip.favorite]).toEqual([200, "APPROVED", false]);
    r = await call("PATCH", `/api/clips/${id}`, ctx.carol, { favorite: true });
    expect([r.json.clip.review, r.json.clip.favorite]).toEqual(["APPROVED", true]);
    expect((await ctx.prisma.clip.findUniqueOrThrow({ where: { id } })).reviewedAt).toBeInstanceOf(Date);
    r = await call("PATCH", `/api/clips/${id}`, ctx.carol, { review: "REJECTED", favorite: false });
    expect([r.json.clip.review, r.json.clip.favorite]).toEqual(["REJECTED", false]);
    r = await call("PATCH", `/api/clips/${id}`, ctx.carol, { review: "PENDING" });
    expect(r.json.clip.review).toBe("PENDING");
    expect((await ctx.prisma.clip.findUniqueOrThrow({ where: { id } })).reviewedAt).toBeNull();
  });

  it("another user's clip → 404 and unchanged", async () => {
    const r = await call("PATCH", `/api/clips/${ctx.daveClip.id}`, ctx.carol, { review: "APPROVED", favorite: true });
    expect([r.status, r.json]).toEqual([404, { error: { code: "not_found", message: "Clip not found." } }]);
    const row = await ctx.prisma.clip.findUniqueOrThrow({ where: { id: ctx.daveClip.id } });
    expect([row.review, row.favorite]).toEqual(["PENDING", false]);
  });

  const invalid = (message: string) => ({ error: { code: "invalid_input", message } });
  it.each([
    ["empty", {}, undefined, 422, invalid("Nothing to update: send review and/or favorite.")],
    [
      "unknown review",
      { review: "MAYBE" },
      undefined,
      422,
      invalid('review: Invalid option: expected one of "PENDING"|"APPROVED"|"REJECTED"'),
    ],
    [
      "favorite as string",
      { favorite: "yes" },
      undefined,
      422,
      invalid("favorite: Invalid input: expected boolean, received string"),
    ],
    ["unknown field", { review: "APPROVED", title: "x" }, undefined, 422, invalid('Unrecognized key: "title"')],
    [
      "not JSON",
      undefined,
      "{review",
      400,
      { error: { code: "bad_request", message: "Request body is not valid JSON." } },
    ],
    [
      "too large",
      undefined,
      JSON.stringify({ review: "APPROVED", pad: "x".repeat(5000) }),
      413,
      { error: { code: "payload_too_large", message: "Request body is larger than 4096 bytes." } },
    ],
  ])("PATCH %s → %i, nothing stored", async (_n, json, raw, status, body) => {
    const id = ctx.clips[1].id;
    const before = await ctx.prisma.clip.findUniqueOrThrow({ where: { id } });
    const r = await call("PATCH", `/api/clips/${id}`, ctx.carol, json, raw);
    expect([r.status, r.json]).toEqual([status, body]);
    expect(await ctx.prisma.clip.findUniqueOrThrow({ where: { id } })).toEqual(before);
  });
});

describe("gallery filters and keyset paging", () => {
  it("a poll of an unchanged feed or dashboard is a bodiless 304; a change answers 200 with a new ETag", async () => {
    const get = (p: string, etag?: string) =>
      fetch(`${ctx.server.url}${p}`, {
        headers: { cookie: ctx.carol.cookie, ...(etag ? { "if-none-match": etag } : {}) },
      });
    for (const p of ["/api/clips?limit=3", "/api/dashboard"]) {
      const first = await get(p);
      const etag = first.headers.get("etag")!;
      expect([first.status, first.headers.get("cache-control"), etag]).toEqual([
        200,
        "private, no-cache",
        expect.stringMatching(/^W\/"/),
      ]);
      await first.json();
      const again = await get(p, etag);
      expect([again.status, await again.text()]).toEqual([304, ""]);
      // Another user's poll with Carol's ETag gets Dave's list, not a 304.
      const other = await fetch(`${ctx.server.url}${p}`, {
        headers: { cookie: ctx.dave.cookie, "if-none-match": etag },
      });
      expect(other.status).toBe(200);
      await other.text();
    }
    const etag = (await get("/api/clips?limit=3")).headers.get("etag")!;
    const newest = [...ctx.clips].sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime())[0];
    await call("PATCH", `/api/clips/${newest.id}`, ctx.carol, { favorite: true });
    const changed = await get("/api/clips?limit=3", etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(((await changed.json()) as TList).clips.find((c) => c.id === newest.id)?.favorite).toBe(true);
    await call("PATCH", `/api/clips/${newest.id}`, ctx.carol, { favorite: false });
  });

  it("pages newest first with an opaque cursor, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { status: number; json: TList } = await call(
        "GET",
        `/api/clips?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
        ctx.carol,
      );
      expect(r.status).toBe(200);
      seen.push(...r.json.clips.map((c) => c.id));
      cursor = r.json.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    const expected = [...ctx.clips]
      .sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || (y.id < x.id ? -1 : 1))
      .map((c) => c.id);
    expect(seen).toEqual(expected);
  });

  it.each([
    ["streamer", () => `streamerId=${ctx.b.streamer.id}`, [5, 6]],
    ["session", () => `sessionId=${ctx.a.session.id}&minScore=70`, [3, 4]],
    ["score", () => "minScore=90", [5, 6]],
    ["render status", () => "render=RENDERING", [6]],
    ["date range", () => "from=2026-11-21&to=2026-11-21", [1, 4]],
    ["single day", () => "from=2026-11-22", [2, 5]],
    ["other user's streamer", () => `streamerId=${ctx.daveClip.streamerId}`, []],
  ])("filter by %s", async (_n, q, idx) => {
    const r: { status: number; json: TList } = await call("GET", `/api/clips?${q()}`, ctx.carol);
    expect(r.status).toBe(200);
    expect(r.json.clips.map((c) => c.id).sort()).toEqual((idx as number[]).map((i) => ctx.clips[i].id).sort());
  });

  it("filter by review and favourite after review actions", async () => {
    await call("PATCH", `/api/clips/${ctx.clips[4].id}`, ctx.carol, { review: "APPROVED", favorite: true });
    await call("PATCH", `/api/clips/${ctx.clips[5].id}`, ctx.carol, { review: "REJECTED" });
    const ids = async (q: string) =>
      ((await call("GET", `/api/clips?${q}`, ctx.carol)).json as TList).clips.map((c) => c.id).sort();
    expect(await ids("review=APPROVED")).toEqual([ctx.clips[4].id]);
    expect(await ids("favorite=true")).toEqual([ctx.clips[4].id]);
    expect(await ids("review=REJECTED")).toEqual([ctx.clips[5].id]);
    expect(await ids("review=PENDING&render=READY")).toEqual([0, 1, 2, 3].map((i) => ctx.clips[i].id).sort());
  });

  const invalid = (message: string) => ({ error: { code: "invalid_input", message } });
  it.each([
    ["cursor=garbage", 400, { error: { code: "bad_request", message: "Invalid cursor." } }],
    ["cursor=123_abc;drop", 400, { error: { code: "bad_request", message: "Invalid cursor." } }],
    ["limit=0", 422, invalid("limit: Too small: expected number to be >=1")],
    ["limit=500", 422, invalid("limit: Too big: expected number to be <=100")],
    ["review=MAYBE", 422, invalid('review: Invalid option: expected one of "PENDING"|"APPROVED"|"REJECTED"')],
    ["render=DONE", 422, invalid('render: Invalid option: expected one of "PENDING"|"RENDERING"|"READY"|"ERROR"')],
    ["favorite=yes", 422, invalid('favorite: Invalid option: expected one of "true"|"false"')],
    ["minScore=101", 422, invalid("minScore: Too big: expected number to be <=100")],
    ["minScore=x", 422, invalid("minScore: Invalid input: expected number, received NaN")],
    ["from=yesterday", 422, invalid("from: Invalid ISO date")],
    ["from=2026-11-22&to=2026-11-20", 422, invalid("from must not be after to.")],
    ["status=READY", 422, invalid('Unrecognized key: "status"')],
  ])("GET /api/clips?%s → %i", async (q, status, body) => {
    const r = await call("GET", `/api/clips?${q}`, ctx.carol);
    expect([r.status, r.json]).toEqual([status, body]);
  });
});

type TSearch = {
  q: string;
  moments: {
    segmentId: string;
    at: number;
    snippet: string;
    streamer: { name: string };
    clip: { id: string; offset: number } | null;
  }[];
  clips: { id: string; title: string }[];
};

describe("full-text search", () => {
  it("finds a spoken phrase (stemmed) in a transcript and points at the moment and the clip covering it", async () => {
    const r: { status: number; json: TSearch } = await call(
      "GET",
      `/api/search?q=${encodeURIComponent("stream three times a week")}`,
      ctx.carol,
    );
    expect(r.status).toBe(200);
    expect(r.json.moments).toHaveLength(1);
    const m = r.json.moments[0];
    expect(m.segmentId).toBe(ctx.seg1.id);
    expect(m.streamer.name).toBe("Carol plays");
    // "stream" is the sixth word of the segment (38 + 5 × 0.4 s).
    expect(m.at).toBeCloseTo(40, 5);
    expect(m.snippet).toContain("\u27e6stream\u27e7 \u27e6three\u27e7 \u27e6times\u27e7");
    expect(m.clip).toEqual({ id: ctx.clips[2].id, title: "Moment 2", offset: 4 });
    expect(r.json.clips).toEqual([]);
  });

  it("finds clip titles, only the user's own", async () => {
    const r: { status: number; json: TSearch } = await call("GET", `/api/search?q=comeback`, ctx.carol);
    expect(r.json.clips.map((c) => c.id)).toEqual([ctx.clips[3].id]);
    expect(r.json.moments).toEqual([]);
    const dave: { json: TSearch } = await call("GET", `/api/search?q=${encodeURIComponent("hard route")}`, ctx.dave);
    expect(dave.json).toEqual({ q: "hard route", moments: [], clips: [] });
  });

  it("with more matches than the limit, the best ones come first, each with its own first matching word", async () => {
    const search = async (limit: number) =>
      (
        (await call("GET", `/api/search?q=${encodeURIComponent("route or careful")}&limit=${limit}`, ctx.carol))
          .json as TSearch
      ).moments;
    const two = await search(2);
    // "route" is word 9 of the first segment (1 + 9 × 0.4 s), "careful" word 1 of the second (38 + 0.4 s).
    expect(Object.fromEntries(two.map((m) => [m.segmentId, Math.round(m.at * 10) / 10]))).toEqual({
      [ctx.seg0.id]: 4.6,
      [ctx.seg1.id]: 38.4,
    });
    const one = await search(1);
    expect(one).toEqual([two[0]]);
  });

  it("quoted phrases, negation and stop-word-only queries follow websearch syntax", async () => {
    const ids = async (q: string) =>
      ((await call("GET", `/api/search?q=${encodeURIComponent(q)}`, ctx.carol)).json as TSearch).moments.map(
        (m) => m.segmentId,
      );
    expect(await ids('"times a week"')).toEqual([ctx.seg1.id]);
    expect(await ids('"week times"')).toEqual([]);
    expect(await ids("route -evening")).toHaveLength(1);
    expect(await ids("the and of")).toEqual([]);
    expect(await ids('\'; drop table "Clip"; --')).toEqual([]);
    expect(await ctx.prisma.clip.count({ where: { userId: ctx.carol.id } })).toBe(7);
  });

  it("the planner can use the GIN indexes on the stored tsvector columns", async () => {
    const plan = await ctx.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      const t = await tx.$queryRaw<
        { "QUERY PLAN": string }[]
      >`EXPLAIN SELECT 1 FROM "Transcript" WHERE "textSearch" @@ websearch_to_tsquery('english', ${"week"})`;
      const c = await tx.$queryRaw<
        { "QUERY PLAN": string }[]
      >`EXPLAIN SELECT 1 FROM "Clip" WHERE "titleSearch" @@ websearch_to_tsquery('english', ${"week"})`;
      return [...t, ...c].map((x) => x["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("Transcript_textSearch_idx");
    expect(plan).toContain("Clip_titleSearch_idx");
  });

  const invalid = (message: string) => ({ error: { code: "invalid_input", message } });
  it.each([
    ["", invalid("q: Invalid input: expected string, received undefined")],
    ["q=", invalid("q: type at least 2 characters.")],
    ["q=%20%20a%20", invalid("q: type at least 2 characters.")],
    [`q=${"x".repeat(201)}`, invalid("q: at most 200 characters.")],
    [
      `q=${encodeURIComponent(Array.from({ length: 13 }, (_, i) => `w${i}`).join(" "))}`,
      invalid("q: at most 12 words."),
    ],
    ["q=week&limit=0", invalid("limit: Too small: expected number to be >=1")],
    ["q=week&limit=51", invalid("limit: Too big: expected number to be <=50")],
    ["q=week&limit=two", invalid("limit: Invalid input: expected number, received NaN")],
    ["q=week&sort=new", invalid('Unrecognized key: "sort"')],
  ])("GET /api/search?%s → 422", async (q, body) => {
    const r = await call("GET", `/api/search?${q}`, ctx.carol);
    expect([r.status, r.json]).toEqual([422, body]);
  });

  it("signed out → 401", async () => {
    const r = await call("GET", "/api/search?q=week", null);
    expect([r.status, r.json]).toEqual([401, { error: { code: "unauthorized", message: "Sign in to continue." } }]);
  });
});
