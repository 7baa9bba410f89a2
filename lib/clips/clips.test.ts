/**
 * The feed's keyset paging against real PostgreSQL: pages follow (createdAt, id) exactly, ties included, and
 * the SQL Prisma sends for a deep page starts its index scan at the cursor instead of walking every newer
 * clip (EXPLAIN ANALYZE of the captured statement with its parameters).
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/generated/prisma/client";

type TPlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Cond"?: string;
  "Rows Removed by Filter"?: number;
  Plans?: TPlanNode[];
};

// A client that reports the SQL it sends, installed where lib/db keeps its per-process client.
const statements: { query: string; params: string }[] = [];
const client = new PrismaClient({
  adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }),
  log: [{ emit: "event", level: "query" }],
});
client.$on("query", (e) => statements.push({ query: e.query, params: e.params }));
(globalThis as { prisma?: PrismaClient }).prisma = client;

const CLIPS = 3000;
const userId = `keyset-${Date.now()}`;
let ids: string[] = [];
let clips: typeof import("./clips");

beforeAll(async () => {
  clips = await import("./clips");
  await client.user.create({ data: { id: userId, name: "Keyset", email: `${userId}@example.com` } });
  const streamer = await client.streamer.create({
    data: { userId, name: "S", kind: "URL", source: "https://93.184.215.14/s.m3u8", monitored: false },
  });
  const session = await client.liveSession.create({
    data: { userId, streamerId: streamer.id, segmentSeconds: 30, status: "ENDED" },
  });
  // Three clips per millisecond: the id decides the order within a tie.
  const t0 = Date.UTC(2026, 10, 1);
  await client.clip.createMany({
    data: Array.from({ length: CLIPS }, (_, i) => ({
      id: `k${String(i).padStart(5, "0")}`,
      userId,
      streamerId: streamer.id,
      sessionId: session.id,
      detectionKey: `k${i}`,
      startTime: i,
      endTime: i + 20,
      title: `Clip ${i}`,
      reason: "test",
      score: 50,
      engine: "offline",
      createdAt: new Date(t0 + Math.floor(i / 3)),
    })),
  });
  await client.$executeRawUnsafe(`ANALYZE "Clip"`);
  ids = Array.from({ length: CLIPS }, (_, i) => `k${String(i).padStart(5, "0")}`).reverse();
});

afterAll(async () => {
  await client.user.delete({ where: { id: userId } });
  await client.$disconnect();
});

function walk(n: TPlanNode): TPlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(walk)];
}

describe("listClips keyset paging", () => {
  it("pages through every clip once, newest first, ties broken by id", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const r = await clips.listClips(userId, clips.ZClipQuery.parse({ limit: "100", ...(cursor ? { cursor } : {}) }));
      seen.push(...r.clips.map((c) => c.id));
      cursor = r.nextCursor!;
    }
    expect(seen).toEqual(ids.slice(0, 300));
  });

  it("a deep page starts the index scan at the cursor", async () => {
    const at = 1500;
    const row = await client.clip.findUniqueOrThrow({ where: { id: ids[at] } });
    statements.length = 0;
    const r = await clips.listClips(userId, clips.ZClipQuery.parse({ limit: "24", cursor: clips.encodeCursor(row) }));
    expect(r.clips.map((c) => c.id)).toEqual(ids.slice(at + 1, at + 25));

    const sent = statements.find((s) => /from "Clip" c/.test(s.query));
    expect(sent, statements.map((s) => s.query).join("\n")).toBeDefined();
    const [{ "QUERY PLAN": plan }] = await client.$queryRawUnsafe<{ "QUERY PLAN": { Plan: TPlanNode }[] }[]>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${sent!.query}`,
      ...(JSON.parse(sent!.params) as unknown[]),
    );
    const scan = walk(plan[0].Plan).find((n) => n["Relation Name"] === "Clip");
    // The createdAt bound is in the index condition, so the scan reads about one page of rows, not the
    // 1 500 newer clips (what the OR condition alone did).
    expect(scan?.["Index Cond"]).toMatch(/"createdAt" <=/);
    expect(scan?.["Rows Removed by Filter"] ?? 0).toBeLessThan(10);
  });
});

describe("the feed's JSON rows", () => {
  it("give the same clip as the clip page (every field, nulls, arrays, times)", async () => {
    const uid = `${userId}-dto`;
    await client.user.create({ data: { id: uid, name: "Dto", email: `${uid}@example.com` } });
    try {
      const streamer = await client.streamer.create({
        data: {
          userId: uid,
          name: 'Ünïcode "quoted" streamer',
          kind: "URL",
          source: "https://93.184.215.14/d.m3u8",
          monitored: false,
        },
      });
      const session = await client.liveSession.create({
        data: { userId: uid, streamerId: streamer.id, segmentSeconds: 30, status: "ENDED" },
      });
      const base = { userId: uid, streamerId: streamer.id, sessionId: session.id, reason: "r", engine: "offline" };
      await client.clip.createMany({
        data: [
          {
            ...base,
            id: "dto-ready",
            detectionKey: "a",
            startTime: 12.25,
            endTime: 40.5,
            title: 'Ready, "quoted" ☃',
            hook: "h",
            score: 91,
            tags: ["hype", "a,b"],
            engineModel: "m",
            excerpt: "x",
            status: "READY",
            videoKey: "clips/dto/v.mp4",
            thumbKey: "clips/dto/t.jpg",
            duration: 28.25,
            shareSlug: `s${Date.now()}`,
            review: "APPROVED",
            favorite: true,
            trimStart: 13,
            trimEnd: 39.5,
            trimError: "boom",
            createdAt: new Date(Date.UTC(2026, 10, 2, 3, 4, 5, 678)),
          },
          {
            ...base,
            id: "dto-error",
            detectionKey: "b",
            startTime: 0,
            endTime: 9,
            title: "Failed",
            score: 10,
            status: "ERROR",
            error: "ffmpeg exited 1",
            createdAt: new Date(Date.UTC(2026, 10, 1)),
          },
        ],
      });
      const feed = await clips.listClips(uid, clips.ZClipQuery.parse({}));
      expect(feed.clips.map((c) => c.id)).toEqual(["dto-ready", "dto-error"]);
      // The transcript's engine and whether it is still to come are the clip page's alone (the feed does not join
      // segments and transcripts).
      for (const c of feed.clips)
        expect({ ...c, transcriptEngine: null, transcriptPending: false }).toEqual({
          ...(await clips.getClip(uid, c.id)),
          transcriptEngine: null,
          transcriptPending: false,
        });
      expect(feed.clips[0]).toMatchObject({
        createdAt: "2026-11-02T03:04:05.678Z",
        tags: ["hype", "a,b"],
        trim: { start: 13, end: 39.5 },
        streamer: { id: streamer.id, name: streamer.name },
      });
      expect(feed.clips[1]).toMatchObject({
        duration: 9,
        videoUrl: null,
        error: "Rendering failed. Try again later.",
        hook: null,
      });
    } finally {
      await client.user.delete({ where: { id: uid } });
    }
  });
});
